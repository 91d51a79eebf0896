"""Clips in each tenant's admin, for operators: read-only (the clips services make and change them), each
changelist read in a fixed number of queries; nothing of it exists on the platform's admin."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from clips.models import Clip, ClipEdit, ClipRun, Compilation, MusicTrack, Rendition
from tenants.admin_sites import ReadOnlyInline, ReadOnlySiteAdmin


class RenditionInline(ReadOnlyInline):
    model = Rendition
    fields = ("aspect", "version", "width", "height", "duration", "size_bytes", "file", "report")
    readonly_fields = fields


class ClipEditInline(ReadOnlyInline):
    model = ClipEdit
    fields = ("created_at", "user", "before", "after")
    readonly_fields = fields


@admin.register(Clip)
class ClipAdmin(ReadOnlySiteAdmin):
    list_display = ("title", "video", "rank", "start", "end", "score", "safe_to_post", "state", "version")
    list_filter = ("safe_to_post", "state")
    list_select_related = ("video",)
    search_fields = ("title", "text", "video__title")
    fields = (
        "title", "title_source", "video", "run", "rank", "start", "end", "text", "score", "breakdown",
        "safe_to_post", "safety", "state", "version", "render_job", "created_at", "updated_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = (RenditionInline, ClipEditInline)


@admin.register(ClipRun)
class ClipRunAdmin(ReadOnlySiteAdmin):
    list_display = ("__str__", "video", "count", "min_seconds", "max_seconds", "job_state", "created_at")
    list_select_related = ("video", "job")
    fields = ("video", "job", "count", "min_seconds", "max_seconds", "aspects", "captions", "around",
              "created_by", "created_at")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="job")
    def job_state(self, run: ClipRun) -> str:
        return run.job.get_state_display()


@admin.register(Compilation)
class CompilationAdmin(ReadOnlySiteAdmin):
    list_display = ("title", "aspect", "duration", "clip_count", "created_at")
    fields = ("title", "aspect", "crossfade", "music", "file", "duration", "job", "created_by", "created_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Compilation]:
        return super().get_queryset(request).prefetch_related("items")

    @admin.display(description="clips")
    def clip_count(self, compilation: Compilation) -> int:
        return len(compilation.items.all())


@admin.register(MusicTrack)
class MusicTrackAdmin(ReadOnlySiteAdmin):
    list_display = ("title", "duration", "created_at")
    fields = ("title", "file", "duration", "uploaded_by", "created_at")
    readonly_fields = fields
