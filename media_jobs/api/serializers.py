"""Videos, jobs and resumable uploads in the API. Lists carry summaries (a job's state and progress); a
video's or a job's own page carries its stages too. Every list is read in a fixed number of queries (see
annotated())."""

import functools
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing import quota
from billing.models import Plan
from media_jobs import direct_upload, registry, retention
from media_jobs.links import signed_reverse
from media_jobs.models import Artifact, Job, Stage, Upload, Video
from tenants.context import current_schema_name


class StageSerializer(serializers.ModelSerializer[Stage]):
    class Meta:
        model = Stage
        fields = [
            "name", "state", "fraction", "attempts", "metrics", "error", "started_at", "finished_at",
            "claimed_by", "heartbeat_at",
        ]  # fmt: skip
        read_only_fields = fields


class JobSummarySerializer(serializers.ModelSerializer[Job]):
    percent = serializers.FloatField(read_only=True)
    progress_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "kind", "video", "state", "percent", "progress_description",
            "result", "error", "created_at", "started_at", "finished_at", "progress_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress_url(self, job: Job) -> str:
        """The WebSocket path that streams this job's progress (celery-progress protocol)."""
        return f"/ws/progress/{job.pk}/"


class JobSerializer(JobSummarySerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta(JobSummarySerializer.Meta):
        fields = [*JobSummarySerializer.Meta.fields, "stages"]
        read_only_fields = fields


class RetentionSerializer(serializers.Serializer[retention.Retention]):
    """When the plan's retention deletes a video's files (null: kept), and what it deleted already."""

    legal_hold = serializers.BooleanField()
    original_expires_at = serializers.DateTimeField(allow_null=True)
    original_deleted_at = serializers.DateTimeField(allow_null=True)
    intermediates_expire_at = serializers.DateTimeField(
        allow_null=True, help_text="when the oldest intermediate file (frames, audio, transcript...) goes"
    )
    intermediates_deleted_at = serializers.DateTimeField(allow_null=True)


class VideoSerializer(serializers.ModelSerializer[Video]):
    latest_job = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()
    censored_url = serializers.SerializerMethodField()
    retention = serializers.SerializerMethodField()
    job_serializer_class: type[JobSummarySerializer] = JobSerializer

    class Meta:
        model = Video
        fields = [
            "id", "uid", "title", "size_bytes", "duration", "width", "height", "fps", "has_audio",
            "created_at", "latest_job", "original_url", "censored_url", "retention",
        ]  # fmt: skip
        read_only_fields = fields

    @classmethod
    def annotated(cls, videos: QuerySet[Video]) -> QuerySet[Video]:
        """What this serializer reads, fetched with the page in a fixed number of queries."""
        upload_jobs = Job.objects.filter(kind=registry.upload_kind())
        if cls.job_serializer_class is JobSerializer:
            upload_jobs = upload_jobs.prefetch_related("stages")
        censored = Artifact.objects.filter(video=OuterRef("pk"), kind=Artifact.Kind.CENSORED)
        videos = retention.with_oldest_intermediate(videos)
        return videos.annotate(has_censored=Exists(censored)).prefetch_related(
            Prefetch("jobs", queryset=upload_jobs, to_attr="upload_jobs")
        )

    @extend_schema_field(JobSerializer(allow_null=True))
    def get_latest_job(self, video: Video) -> dict[str, Any] | None:
        jobs = video.upload_jobs  # type: ignore[attr-defined]  # from annotated(), newest first
        return self._job_serializer.to_representation(jobs[0]) if jobs else None

    @functools.cached_property
    def _job_serializer(self) -> JobSummarySerializer:
        return self.job_serializer_class()  # one for the whole page: building its fields is the cost

    def get_original_url(self, video: Video) -> str | None:
        return None if video.original_deleted_at else signed_reverse("video_file", video.pk, "original")

    def get_censored_url(self, video: Video) -> str | None:
        has_output = video.has_censored  # type: ignore[attr-defined]  # from annotated()
        return signed_reverse("video_file", video.pk, "censored") if has_output else None

    @extend_schema_field(RetentionSerializer)
    def get_retention(self, video: Video) -> dict[str, Any]:
        return RetentionSerializer(retention.retention_of(video, self._plan)).data

    @functools.cached_property
    def _plan(self) -> Plan:
        return quota.plan_of(current_schema_name())


class LegalHoldSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200, help_text="why the files must be kept (a case, a claim)")


class VideoSummarySerializer(VideoSerializer):
    """A video in a list: the latest job its upload started, without the stages."""

    job_serializer_class = JobSummarySerializer

    @extend_schema_field(JobSummarySerializer(allow_null=True))
    def get_latest_job(self, video: Video) -> dict[str, Any] | None:
        return super().get_latest_job(video)


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent as a multipart part: `format: binary` in the schema (a FileField alone says `uri`)."""


class VideoUploadSerializer(serializers.Serializer[Any]):
    file = UploadField(help_text="The video (multipart upload).")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class UploadSerializer(serializers.ModelSerializer[Upload]):
    """A resumable upload: how far it has come, and its video once accepted. A direct upload to S3 also says
    its part size and which parts S3 holds (what a resuming client need not send again)."""

    id = serializers.UUIDField(source="uid", read_only=True)
    video_url = serializers.SerializerMethodField()
    direct_to_s3 = serializers.SerializerMethodField()
    part_size = serializers.SerializerMethodField()
    parts = serializers.SerializerMethodField()
    parts_done = serializers.SerializerMethodField()

    class Meta:
        model = Upload
        fields = ["id", "filename", "title", "length", "offset", "state", "error", "video", "video_url"]
        fields += ["direct_to_s3", "part_size", "parts", "parts_done", "created_at", "expires_at"]

    def get_video_url(self, upload: Upload) -> str | None:
        return reverse("video_detail", args=[upload.video_id]) if upload.video_id else None

    def get_direct_to_s3(self, upload: Upload) -> bool:
        return bool(upload.storage_key)

    def get_part_size(self, upload: Upload) -> int | None:
        return direct_upload.part_size(upload.length) if upload.storage_key else None

    def get_parts(self, upload: Upload) -> int | None:
        return direct_upload.part_count(upload) if upload.storage_key else None

    def get_parts_done(self, upload: Upload) -> list[int]:
        return sorted(direct_upload.parts_done(upload)) if upload.storage_key else []
