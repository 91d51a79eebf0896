"""Upscales in each tenant's admin, for operators: read-only (upscale.services makes them)."""

from __future__ import annotations

from django.contrib import admin

from tenants.admin_sites import ReadOnlyInline, ReadOnlySiteAdmin
from upscale.models import Upscale, UpscaleChunk


class UpscaleChunkInline(ReadOnlyInline):
    model = UpscaleChunk
    fields = ("index", "frames", "wall_seconds", "file", "created_at")
    readonly_fields = fields


@admin.register(Upscale)
class UpscaleAdmin(ReadOnlySiteAdmin):
    list_display = ("__str__", "video", "model", "scale", "width", "height", "job_state", "created_at")
    list_filter = ("model",)
    list_select_related = ("video", "job")
    fields = (
        "video", "job", "model", "scale", "model_scale", "method", "width", "height", "chunk_frames",
        "estimate", "frames", "duration", "file", "size_bytes", "created_by", "created_at", "finished_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (UpscaleChunkInline,)

    @admin.display(description="job")
    def job_state(self, upscale: Upscale) -> str:
        return upscale.job.get_state_display()
