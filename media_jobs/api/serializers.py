from rest_framework import serializers

from media_jobs.models import Job


class JobSerializer(serializers.ModelSerializer[Job]):
    percent = serializers.FloatField(read_only=True)
    progress_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "kind", "state", "percent", "progress_current", "progress_total", "progress_description",
            "result", "error", "created_at", "started_at", "finished_at", "progress_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress_url(self, job: Job) -> str:
        """The WebSocket path that streams this job's progress (celery-progress protocol)."""
        return f"/ws/progress/{job.pk}/"
