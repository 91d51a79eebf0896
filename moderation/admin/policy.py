"""The tenant's moderation policy in its admin: one row, edited only through the service that audits it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from moderation import services
from moderation.models import Policy
from tenants.admin_sites import TenantSiteAdmin


@admin.register(Policy)
class PolicyAdmin(TenantSiteAdmin):
    """The tenant's one policy; every change goes through the service, which audits it."""

    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the policy exists from the first analysis, or is created on first view

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Policy]:
        services.current_policy()  # so the one policy is always there to edit
        return super().get_queryset(request)

    def save_model(self, request: HttpRequest, obj: Policy, form: Any, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        services.do_update_policy(request.user, changes)  # type: ignore[arg-type]
