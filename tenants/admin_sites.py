"""Which admin site a request is on: the platform's (public schema) or a tenant's, so each app's admin
can keep its models off the site whose schema lacks their tables; and the admin bases every app shares."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


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


class TenantSiteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For tables that exist in tenant schemas only: the platform's admin neither lists nor opens them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return on_tenant_site(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return on_tenant_site(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return on_tenant_site(request) and super().has_change_permission(request, obj)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """No row is looked up off a tenant site, so a page there is refused instead of crashing (Any: the
        subclass's own model, which this unparametrised base cannot name)."""
        return super().get_object(request, object_id, from_field) if on_tenant_site(request) else None


class ReadOnly:
    """Rows kept as they were made: never added, edited or deleted here, by anyone."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlySiteAdmin(ReadOnly, TenantSiteAdmin):
    """Rows an app's services make and change: listed and opened for operators, never edited here."""

    actions = None  # no bulk delete: rows go with their video, or through their app's services

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied  # nothing here is edited in bulk
        return super().changelist_view(request, extra_context)


class ReadOnlyInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
