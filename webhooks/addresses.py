"""Which endpoint URLs ReelRemix may POST to: http(s) only, and (unless WEBHOOKS_ALLOW_PRIVATE_HOSTS) only
hosts that resolve to public addresses, so a tenant cannot make our workers call into our own network
(SSRF). Checked when an endpoint is saved and again before every attempt (DNS may change meanwhile)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

SCHEMES = ("http", "https")


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(f"The host {host!r} does not resolve: {error}.") from error
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return address.is_global and not address.is_multicast


def check_endpoint_url(url: str) -> str:
    """`url`, when ReelRemix may POST to it; ValidationError says why not."""
    URLValidator(schemes=list(SCHEMES), message="Enter a full http:// or https:// URL.")(url)
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError("An endpoint URL may not carry a user name or password.")
    if settings.WEBHOOKS_ALLOW_PRIVATE_HOSTS:
        return url
    host = parts.hostname or ""
    refused = [a for a in _addresses(host, parts.port or 443) if not _is_public(a)]
    if refused:
        raise ValidationError(
            f"{host} resolves to {refused[0]}, a private, loopback or link-local address: ReelRemix only"
            " sends webhooks to public hosts."
        )
    return url
