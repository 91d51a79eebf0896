"""The database backend: django-tenants' PostgreSQL backend, its connection pool checking connections
with reelremix.db.pool_check (Django 5.2 hands psycopg_pool its own check and takes no other)."""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from psycopg_pool import ConnectionPool

from reelremix.db.pool_check import check_connection


class DatabaseWrapper(TenantDatabaseWrapper):
    @property
    def pool(self) -> Any:
        pool = super().pool
        if isinstance(pool, ConnectionPool) and pool._check is not check_connection:
            pool._check = check_connection  # what psycopg_pool runs before it lends a connection
        return pool
