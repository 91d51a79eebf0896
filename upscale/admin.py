"""Upscales in each tenant's admin, for operators: read-only (upscale.services makes them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tenants.admin_sites import ReadOnly, ReadOnlyInline, TenantSiteAdmin
from upscale.models import Upscale, UpscaleChunk


class UpscaleChunkInline(ReadOnlyInline):
    model = UpscaleChunk
    fields = ("index", "frames", "wall_seconds", "file", "created_at")
    readonly_fields = fields


@admin.register(Upscale)
class UpscaleAdmin(ReadOnly, TenantSiteAdmin):
    actions = None  # no bulk delete: upscales go with their video
    list_display = ("__str__", "video", "model", "scale", "width", "height", "job_state", "created_at")
    list_filter = ("model",)
    list_select_related = ("video", "job")
    fields = (
        "video", "job", "model", "scale", "model_scale", "method", "width", "height", "chunk_frames",
        "estimate", "frames", "duration", "file", "size_bytes", "created_by", "created_at", "finished_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (UpscaleChunkInline,)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied  # nothing here is edited in bulk
        return super().changelist_view(request, extra_context)

    @admin.display(description="job")
    def job_state(self, upscale: Upscale) -> str:
        return upscale.job.get_state_display()
