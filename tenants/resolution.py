"""Which tenant a host name belongs to, for HTTP requests and WebSockets alike. Each process remembers a
host's tenant for TENANT_CACHE_SECONDS: routing is then no query at all, and a tenant or domain changed
in another process is seen within that time (one changed in this process, at once)."""

from __future__ import annotations

import time

from django.conf import settings
from django_tenants.utils import schema_context

from tenants.models import Domain, Tenant

_known: dict[str, tuple[Tenant, float]] = {}  # host -> (tenant, until when, monotonic)


def tenant_for_host(hostname: str) -> Tenant | None:
    """The tenant routed at `hostname`, or None (an unknown host is never remembered)."""
    remembered = _known.get(hostname)
    if remembered is not None and remembered[1] > time.monotonic():
        return remembered[0]
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        return None
    if settings.TENANT_CACHE_SECONDS:
        _known[hostname] = (domain.tenant, time.monotonic() + settings.TENANT_CACHE_SECONDS)
    return domain.tenant


def forget_tenants(**kwargs: object) -> None:
    """Drop what this process remembers (a tenant or a domain was saved or deleted)."""
    _known.clear()
