"""Which URLs an endpoint may have: http(s) only, no credentials in it, and (unless
WEBHOOKS_ALLOW_PRIVATE_HOSTS) no host that resolves into a private network: ReelRemix's workers must not
be made to call our own services (SSRF)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from webhooks.addresses import check_endpoint_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",  # loopback
        "http://localhost/hook",  # resolves to loopback
        "https://10.1.2.3/hook",  # private
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # link-local: the cloud metadata service
        "http://[::1]/hook",
        "http://[fd00::1]/hook",  # unique local
        "http://0.0.0.0/hook",
    ],
)
def test_it_refuses_hosts_in_private_networks(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(ValidationError, match="private, loopback or link-local"):
        check_endpoint_url(url)


def test_it_accepts_a_public_address(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    assert check_endpoint_url("https://93.184.215.14/hook") == "https://93.184.215.14/hook"


def test_it_accepts_private_hosts_when_the_setting_allows(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = True
    assert check_endpoint_url("http://127.0.0.1:9000/hook") == "http://127.0.0.1:9000/hook"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("not a url", "http:// or https://"),
        ("https://user:secret@example.com/hook", "user name or password"),
    ],
)
def test_it_refuses_what_is_not_an_http_url(settings, url, message):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = True  # refused whatever the setting
    with pytest.raises(ValidationError, match=message):
        check_endpoint_url(url)


def test_it_refuses_a_host_that_does_not_resolve(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(ValidationError, match="does not resolve"):
        check_endpoint_url("https://nowhere.invalid/hook")
