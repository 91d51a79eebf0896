"""The audit trail in each tenant's admin: decisions and policy changes, searchable, read-only."""

from __future__ import annotations

from django.contrib import admin

from moderation.models import Decision, PolicyChange
from tenants.admin_sites import ReadOnly, TenantSiteAdmin


class AuditAdmin(ReadOnly, TenantSiteAdmin):
    """An audit trail: searchable, and read-only to everyone."""


@admin.register(Decision)
class DecisionAdmin(AuditAdmin):
    list_display = ("created_at", "actor", "action", "case", "reason")
    list_filter = ("action", ("actor", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("actor", "case__video")
    search_fields = ("reason", "case__video__title")


@admin.register(PolicyChange)
class PolicyChangeAdmin(AuditAdmin):
    list_display = ("created_at", "actor", "before", "after", "reason")
    list_filter = (("actor", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("actor",)
    search_fields = ("reason",)
