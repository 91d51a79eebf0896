"""Which admin site a request is on: the platform's (public schema) or a tenant's, so each app's admin
can keep its models off the site whose schema lacks their tables."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def _schema_name(request: HttpRequest) -> str | None:
    """The schema the tenant middleware resolved for this request; None when it resolved none."""
    tenant = getattr(request, "tenant", None)
    return None if tenant is None else str(tenant.schema_name)


def on_public_site(request: HttpRequest) -> bool:
    """The platform's admin: shared tables (tenants, domains) are managed only here."""
    return _schema_name(request) == settings.PUBLIC_SCHEMA_NAME


def on_tenant_site(request: HttpRequest) -> bool:
    """A tenant's admin: tenant-only tables exist in its schema and nowhere else."""
    schema = _schema_name(request)
    return schema is not None and schema != settings.PUBLIC_SCHEMA_NAME
