"""What every moderation admin shares: offered on tenant sites only, and rows kept as they were made."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tenants.admin_sites import on_tenant_site


class TenantSiteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Moderation's tables exist in tenant schemas only: the platform's admin neither lists nor opens them."""

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


class ReadOnlyInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
