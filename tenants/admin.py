"""Platform operators manage tenants in the public site's admin; tenant admins never see them."""

from django.contrib import admin
from django.http import HttpRequest

from tenants.admin_sites import on_public_site
from tenants.models import DeletionReceipt, Domain, Tenant


class PublicSiteOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shared tables are visible from every schema's search path, so the admin must refuse them
    on tenant hosts explicitly, superusers included."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return on_public_site(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return on_public_site(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return on_public_site(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tenants are created by tenants.services.do_create_tenant only

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # dropping a schema is not a click in a list


class DomainInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(PublicSiteOnlyAdmin):
    list_display = ("name", "slug", "schema_name", "owner_email", "created_at", "deletion_due_at")
    search_fields = ("name", "slug", "owner_email")
    readonly_fields = ("schema_name", "slug", "created_at")
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(PublicSiteOnlyAdmin):
    list_display = ("domain", "tenant", "is_primary")
    list_select_related = ("tenant",)


@admin.register(DeletionReceipt)
class DeletionReceiptAdmin(PublicSiteOnlyAdmin):
    """What remains of deleted tenants: an operator finds one by the keyed hash of its schema name
    (privacy.deletion.schema_hash)."""

    list_display = ("schema_hash", "deleted_at", "counts")
    search_fields = ("schema_hash",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a receipt is a record, never edited
