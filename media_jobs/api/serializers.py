from typing import Any

from django.urls import reverse
from rest_framework import serializers

from media_jobs.models import Job, Stage, Video


class StageSerializer(serializers.ModelSerializer[Stage]):
    class Meta:
        model = Stage
        fields = [
            "name", "state", "fraction", "attempts", "metrics", "error", "started_at", "finished_at",
            "claimed_by", "heartbeat_at",
        ]  # fmt: skip
        read_only_fields = fields


class JobSerializer(serializers.ModelSerializer[Job]):
    percent = serializers.FloatField(read_only=True)
    progress_url = serializers.SerializerMethodField()
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Job
        fields = [
            "id", "kind", "video", "state", "percent", "progress_description", "stages",
            "result", "error", "created_at", "started_at", "finished_at", "progress_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress_url(self, job: Job) -> str:
        """The WebSocket path that streams this job's progress (celery-progress protocol)."""
        return f"/ws/progress/{job.pk}/"


class VideoSerializer(serializers.ModelSerializer[Video]):
    latest_job = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()
    censored_url = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = [
            "id", "uid", "title", "size_bytes", "duration", "width", "height", "fps", "has_audio",
            "created_at", "latest_job", "original_url", "censored_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_latest_job(self, video: Video) -> dict[str, Any] | None:
        job = video.jobs.filter(kind=Job.Kind.MODERATION).first()
        return JobSerializer(job).data if job else None

    def get_original_url(self, video: Video) -> str:
        return reverse("video_file", args=[video.pk, "original"])

    def get_censored_url(self, video: Video) -> str | None:
        has_output = video.artifacts.filter(kind="censored").exists()
        return reverse("video_file", args=[video.pk, "censored"]) if has_output else None


class VideoUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="The video (multipart upload).")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
