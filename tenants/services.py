"""Tenant provisioning: every tenant is created here, by the CLI, the management command and signup."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import schema_context

from tenants.hooks import provisioners
from tenants.models import Domain, Tenant

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = {"public", "www", "admin", "api", "static", "media", "pg_catalog", "information_schema"}


@dataclass(frozen=True)
class ProvisionedTenant:
    tenant: Tenant
    domain: str


def tenant_host(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def check_tenant_slug(slug: str) -> None:
    """Refuse slugs that cannot be a host label and a schema name, or are taken."""
    if not SLUG_RE.match(slug) or "--" in slug:
        raise ValidationError(
            "A slug is 3-40 characters: lower-case letters, digits and single hyphens, "
            "starting with a letter."
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg_"):
        raise ValidationError(f"The slug {slug!r} is reserved.")
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError(f"The slug {slug!r} is already taken.")


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


def do_create_tenant(name: str, slug: str, owner_email: str, **options: str) -> ProvisionedTenant:
    """Create a tenant, its migrated schema, its primary domain, and what the registered provisioners
    set up from `options` (billing: the subscription to `plan`, Free unless given)."""
    check_tenant_slug(slug)
    for provisioner in provisioners():
        provisioner.check(options)  # refused before a schema is made
    with transaction.atomic():
        tenant = Tenant(schema_name=schema_name_for(slug), name=name, slug=slug, owner_email=owner_email)
        tenant.save(verbosity=0)  # auto_create_schema: creates and migrates the schema
        Domain.objects.create(domain=tenant_host(slug), tenant=tenant, is_primary=True)
        for provisioner in provisioners():
            provisioner.provision(tenant, options)
    return ProvisionedTenant(tenant=tenant, domain=tenant_host(slug))


def do_create_tenant_user(
    tenant: Tenant, username: str, email: str, password: str, *, staff: bool = False
) -> User:
    """Create a login in the tenant's own schema (users never cross tenants)."""
    with schema_context(tenant.schema_name):
        if staff:
            return User.objects.create_superuser(username=username, email=email, password=password)
        return User.objects.create_user(username=username, email=email, password=password)


def ensure_public_tenant() -> Tenant:
    """The public schema's tenant row and the bare BASE_DOMAIN host (landing page, platform admin)."""
    tenant, _ = Tenant.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME, defaults={"name": "ReelRemix", "slug": "public"}
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True})
    return tenant
