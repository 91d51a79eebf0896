"""Team members with a role, in a tenant's schema."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context

from conftest import PASSWORD, Persona, client_for
from team import services
from team.models import Role
from tenants import services as tenant_services
from tenants.models import Tenant


def with_role(persona: Persona, role: Role) -> Client:
    """`persona` given `role`, logged in (on a fresh row: the persona's own user is shared by every test)."""
    with schema_context(persona.tenant.schema_name):
        services.do_set_role(User.objects.get(pk=persona.user.pk), role)
    return client_for(persona)


def make_member(tenant: Tenant, username: str, role: Role) -> User:
    user = tenant_services.do_create_tenant_user(tenant, username, f"{username}@example.com", PASSWORD)
    with schema_context(tenant.schema_name):
        services.do_set_role(user, role)
    return user


def api_client(persona: Persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")
