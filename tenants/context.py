"""The tenant the current database connection is routed to, and the loop over every tenant's schema that
the periodic sweeps share."""

from collections.abc import Callable
from typing import TypeVar, cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper
from django_tenants.utils import get_public_schema_name, schema_context

T = TypeVar("T")


def tenant_connection() -> DatabaseWrapper:
    """The default connection, typed as the django-tenants wrapper it is."""
    return cast(DatabaseWrapper, connection)


def current_schema_name() -> str:
    return str(tenant_connection().schema_name)


def tenant_exists(schema_name: str) -> bool:
    """Whether `schema_name` is still a tenant's (a deleted tenant's schema is dropped with its row)."""
    from tenants.models import Tenant

    return Tenant.objects.filter(schema_name=schema_name).exists()


def in_each_tenant(work: Callable[[str], T]) -> list[T]:
    """`work(schema_name)` for every tenant (never the public schema), in name order, the connection routed
    to that tenant's schema while it runs (and back to where it was after, even when it raises)."""
    from tenants.models import Tenant  # this module is imported while models load

    tenants = Tenant.objects.exclude(schema_name=get_public_schema_name()).order_by("schema_name")
    done = []
    for schema_name in list(tenants.values_list("schema_name", flat=True)):
        with schema_context(schema_name):
            done.append(work(schema_name))
    return done
