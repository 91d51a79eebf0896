"""The tenant the current database connection is routed to."""

from typing import cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    """The default connection, typed as the django-tenants wrapper it is."""
    return cast(DatabaseWrapper, connection)


def current_schema_name() -> str:
    return str(tenant_connection().schema_name)
