"""django-axes: after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
refused unchecked for the cool-off, on the API, the login page and the admin, per tenant."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client, RequestFactory
from django_tenants.utils import schema_context

from accounts import throttling
from conftest import PASSWORD
from tenants import services as tenant_services

TOKEN_URL = "/api/v1/auth/token/"


def _token(host, password, username="alice", address="127.0.0.1"):
    return Client(HTTP_HOST=host, REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}
    )


def _fail(host, times, username="alice"):
    return [_token(host, "wrong", username).status_code for _ in range(times)]


@pytest.fixture
def short_cool_off(settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)


def test_it_checks_only_the_first_passwords_then_refuses_for_the_cool_off(world, short_cool_off):
    assert _fail(world.alice.host, 30) == [400] * 4 + [429] * 26  # the fifth failure locks
    attempt = AccessAttempt.objects.get(username=f"{world.acme.schema_name}:alice")
    assert attempt.failures_since_start == 5  # the other 25 were refused before any password check
    refused = _token(world.alice.host, PASSWORD)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 2
    assert refused.json()["error"]["message"].startswith(
        "Too many failed sign-ins for this username from your address"
    )
    time.sleep(2.1)
    assert _token(world.alice.host, PASSWORD).status_code == 200
    assert not AccessAttempt.objects.filter(username=f"{world.acme.schema_name}:alice").exists()  # reset


def test_it_answers_retry_after_with_the_time_left(world):
    _fail(world.alice.host, 5)
    refused = _token(world.alice.host, PASSWORD)
    assert refused.status_code == 429
    assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60
    assert "Try again in" in refused.json()["error"]["message"]


def test_it_keys_attempts_by_tenant(world):
    tenant_services.do_create_tenant_user(world.globex, "alice", "alice@globex.example", PASSWORD)
    _fail(world.alice.host, 5)
    assert _token(world.alice.host, PASSWORD).status_code == 429
    assert _token(world.charlie.host, PASSWORD).status_code == 200  # globex's alice is someone else


def test_it_keys_attempts_by_address_and_username(world):
    _fail(world.alice.host, 5)
    assert _token(world.alice.host, PASSWORD, address="10.0.0.9").status_code == 200
    assert _token(world.alice.host, PASSWORD, username="bob").status_code == 200


def test_it_locks_the_login_page_with_a_clear_message(world):
    _fail(world.alice.host, 5)
    page = Client(HTTP_HOST=world.alice.host).post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )
    assert page.status_code == 429
    html = page.content.decode()
    assert "Too many sign-in attempts" in html and "Try again in 15 minutes" in html
    assert int(page["Retry-After"]) > 14 * 60


def test_it_counts_failures_on_the_login_page_too(world):
    client = Client(HTTP_HOST=world.alice.host)
    pages = [client.post("/accounts/login/", {"username": "alice", "password": "wrong"}) for _ in range(5)]
    assert [page.status_code for page in pages] == [200] * 4 + [429]
    assert _token(world.alice.host, PASSWORD).status_code == 429


def test_it_locks_the_admin_login(world):
    tenant_services.do_create_tenant_user(world.acme, "root", "root@acme.example", PASSWORD, staff=True)
    admin = Client(HTTP_HOST=world.alice.host)
    pages = [admin.post("/admin/login/", {"username": "root", "password": "wrong"}) for _ in range(5)]
    assert [page.status_code for page in pages] == [200] * 4 + [429]
    locked = admin.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()


def test_it_shows_no_attempts_in_a_tenants_admin(world, acme_admin):
    _fail(world.charlie.host, 2, username="charlie")
    assert AccessAttempt.objects.filter(username=f"{world.globex.schema_name}:charlie").exists()
    index = acme_admin.get("/admin/")
    assert index.status_code == 200 and "ccess attempt" not in index.content.decode()
    assert acme_admin.get("/admin/axes/accessattempt/").status_code == 404


def test_it_draws_the_lockout_page_when_called_as_axes_async_middleware_does(world):
    """Under ASGI axes' middleware passes (request, credentials): the credentials land as the response."""
    _fail(world.alice.host, 5)
    request = RequestFactory().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    request.user = AnonymousUser()
    with schema_context(world.acme.schema_name):
        page = throttling.lockout_page(request, {"username": "alice"}, None)
    assert page.status_code == 429
    assert "Signing in as <strong>alice</strong>" in page.content.decode()
    assert int(page["Retry-After"]) > 14 * 60


def test_it_locks_the_platform_admin_login_apart_from_the_tenants(world):
    User.objects.create_superuser("alice", "ops@example.com", PASSWORD)  # an operator, in the public schema
    platform = Client(HTTP_HOST="localhost")
    pages = [platform.post("/admin/login/", {"username": "alice", "password": "wrong"}) for _ in range(5)]
    assert [page.status_code for page in pages] == [200] * 4 + [429]
    assert AccessAttempt.objects.filter(username="public:alice").exists()
    assert _token(world.alice.host, PASSWORD).status_code == 200  # acme's alice is someone else
