"""Which admin site a request is on: the platform's (public schema) or a tenant's, so each app's admin
can keep its models off the site whose schema lacks their tables; and the admin bases every app shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

NO_AUTHENTICATOR = (
    "This admin asks for an authenticator code, and this account has no authenticator yet: set one up on "
    "your account's two-factor page (platform operators: manage.py totp_device)."
)


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


def two_factor_required(request: HttpRequest) -> bool:
    """Whether this admin asks every user for a second factor."""
    if on_public_site(request):
        return bool(settings.PLATFORM_ADMIN_REQUIRES_2FA)
    return bool(getattr(getattr(request, "tenant", None), "admin_requires_2fa", False))


def two_factor_passed(request: HttpRequest) -> bool:
    """The user passed a second factor, or needs none here (no authenticator, and the site asks for none)."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]  # django_otp's middleware adds it
        return True
    return not two_factor_required(request) and not user_has_device(user)


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """The password, then an authenticator code from users who set one up, and from everyone where the site
    asks for one."""

    def clean(self) -> dict[str, Any]:
        cleaned = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and (user_has_device(user) or two_factor_required(self.request)):
            if not user_has_device(user):
                raise forms.ValidationError(NO_AUTHENTICATOR, code="no_authenticator")
            self.clean_otp(user)
        return cleaned

    def _chosen_device(self, user: Any) -> Any:
        """The device picked on the form, else the user's authenticator (each user has at most one)."""
        return super()._chosen_device(user) or TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TwoFactorAdminSite(OTPAdminSite):
    """`admin.site` (tenants.apps.AdminConfig makes it the default): staff get in once they pass
    two_factor_passed."""

    login_form = TwoFactorLoginForm

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        return AdminSite.has_permission(self, request) and two_factor_passed(request)


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
