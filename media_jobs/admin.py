"""The engine's rows in each tenant's admin, for operators: read-only (the services create and delete
them), every column from the row, `list_select_related` or an annotation, never a query per row."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat

from media_jobs import registry
from media_jobs.models import Artifact, Job, Stage, Video
from tenants.admin_sites import ReadOnly, ReadOnlyInline, TenantSiteAdmin

NONE = "—"


def _latest_job_state() -> Subquery:
    """Annotation: the state of the video's most recent job, in the changelist's one query."""
    latest = Job.objects.filter(video=OuterRef("pk")).order_by("-created_at", "-id")
    return Subquery(latest.values("state")[:1])


class _EngineAdmin(ReadOnly, TenantSiteAdmin):
    """Viewable on tenant hosts by staff with view permission; nothing on it accepts a POST."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied  # no actions, no list_editable: a POST could only be a forged bulk delete
        return super().changelist_view(request, extra_context)


class KindFilter(admin.SimpleListFilter):
    """Job kinds come from the registry, not field choices: offer those the tenant has, by label."""

    title, parameter_name = "kind", "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        kinds = Job.objects.order_by("kind").values_list("kind", flat=True).distinct()
        return [(kind, registry.kind_label(kind)) for kind in kinds]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Job]) -> QuerySet[Job]:
        value = self.value()
        return queryset.filter(kind=value) if value else queryset


class StageInline(ReadOnlyInline):
    model = Stage
    fields = (
        "name", "label", "state", "attempts", "fraction", "claimed_by", "heartbeat_at", "error", "metrics",
    )  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stage]:
        return super().get_queryset(request).select_related("job")  # each row prints str(stage): its job


class ArtifactInline(ReadOnlyInline):
    model = Artifact
    fields = ("kind", "file_name", "created_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Artifact]:
        return super().get_queryset(request).select_related("video")  # each row prints str(artifact)

    @admin.display(description="file")
    def file_name(self, artifact: Artifact) -> str:
        return PurePosixPath(artifact.file.name or "").name or NONE


@admin.register(Video)
class VideoAdmin(_EngineAdmin):
    list_display = ("title", "duration_shown", "size_shown", "created_at", "latest_job_state")
    search_fields = ("title",)
    fields = (
        "title", "uploaded_by", "original", "size_shown", "duration_shown", "width", "height", "fps",
        "has_audio", "media_info", "created_at", "latest_job_state", "legal_hold", "legal_hold_by",
        "legal_hold_at", "legal_hold_reason", "original_deleted_at", "intermediates_deleted_at",
    )  # fmt: skip
    readonly_fields = fields
    list_filter = ("legal_hold",)
    inlines = [ArtifactInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Video]:
        return super().get_queryset(request).annotate(latest_state=_latest_job_state())

    @admin.display(description="length", ordering="duration")
    def duration_shown(self, video: Video) -> str:
        return f"{video.duration:.1f} s"

    @admin.display(description="size", ordering="size_bytes")
    def size_shown(self, video: Video) -> str:
        return filesizeformat(video.size_bytes)

    @admin.display(description="latest job", ordering="latest_state")
    def latest_job_state(self, video: Video) -> str:
        state = getattr(video, "latest_state", None)
        return Job.State(state).label if state else NONE


@admin.register(Job)
class JobAdmin(_EngineAdmin):
    list_display = (
        "kind_shown", "video", "state", "percent_shown", "created_at", "started_at", "finished_at",
        "error_shown",
    )  # fmt: skip
    list_filter = ("state", KindFilter)
    list_select_related = ("video",)
    search_fields = ("video__title", "error")
    fields = (
        "kind_shown", "video", "state", "percent_shown", "progress_description", "created_by",
        "created_at", "started_at", "finished_at", "error", "result",
    )  # fmt: skip
    readonly_fields = fields
    inlines = [StageInline]

    @admin.display(description="kind", ordering="kind")
    def kind_shown(self, job: Job) -> str:
        return job.kind_label

    @admin.display(description="progress")
    def percent_shown(self, job: Job) -> str:
        return f"{job.percent:g} %"

    @admin.display(description="error")
    def error_shown(self, job: Job) -> str:
        return job.error if len(job.error) <= 80 else f"{job.error[:79]}…"
