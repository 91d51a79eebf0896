"""Recaps in each tenant's admin, for operators: read-only (the recaps services make and change them);
nothing of it exists on the platform's admin."""

from __future__ import annotations

from django.contrib import admin

from recaps.models import Recap, RecapScene
from tenants.admin_sites import ReadOnlyInline, ReadOnlySiteAdmin


class RecapSceneInline(ReadOnlyInline):
    model = RecapScene
    fields = ("index", "heading", "text", "anchor_start", "confidence", "length", "shots", "pinned", "cuts")
    readonly_fields = fields


@admin.register(Recap)
class RecapAdmin(ReadOnlySiteAdmin):
    list_display = ("__str__", "video", "state", "confidence", "duration", "created_by", "created_at")
    list_filter = ("state",)
    list_select_related = ("video", "created_by")
    inlines = (RecapSceneInline,)
