from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone

from media_jobs import registry
from tenants.context import current_schema_name


def original_key(uid: uuid.UUID, filename: str) -> str:
    """Storage keys are scoped by tenant and video: <schema>/videos/<uid>/original.<ext>."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{current_schema_name()}/videos/{uid}/original{suffix}"


def _video_path(video: Video, filename: str) -> str:
    return original_key(video.uid, filename)


def _artifact_path(artifact: Artifact, filename: str) -> str:
    return f"{current_schema_name()}/videos/{artifact.video.uid}/{artifact.job_id}-{filename}"


class Video(models.Model):
    """An uploaded video, as probed when it was accepted."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original = models.FileField(upload_to=_video_path, max_length=300)
    size_bytes = models.BigIntegerField()
    duration = models.FloatField(help_text="seconds")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    fps = models.FloatField(default=0)
    has_audio = models.BooleanField(default=False)
    media_info = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Retention (media_jobs.retention): a legal hold keeps every file of the video whatever the plan says;
    # the sweep stamps what it deleted, after the files are gone from storage.
    legal_hold = models.BooleanField(default=False)
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    legal_hold_at = models.DateTimeField(null=True, blank=True)
    legal_hold_reason = models.CharField(max_length=200, blank=True)
    original_deleted_at = models.DateTimeField(null=True, blank=True)
    intermediates_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="video_original_kept",
                condition=models.Q(original_deleted_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Job(models.Model):
    """One unit of background work for a tenant, with its live progress (the truth for the UI)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    FINISHED_STATES = (State.SUCCEEDED, State.FAILED)

    kind = models.CharField(max_length=20, help_text="a job kind of the stage registry")
    video = models.ForeignKey(Video, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress_current = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=100)
    progress_description = models.CharField(max_length=200, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        return registry.kind_label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED_STATES

    @property
    def percent(self) -> float:
        if not self.progress_total:
            return 0.0
        return round(100.0 * min(self.progress_current, self.progress_total) / self.progress_total, 1)


class Stage(models.Model):
    """One step of a job's pipeline; the row is the truth a redelivered message is checked against."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"  # waiting for the stages it depends on
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    DONE_STATES = (State.SUCCEEDED, State.SKIPPED)

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=20, help_text="a stage of the stage registry")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (a graceful hand-back is not one)
    fraction = models.FloatField(default=0.0)  # progress within the stage, 0..1
    metrics = models.JSONField(default=dict)  # wall seconds, counts: for the job page and the benchmark
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # While queued: the broker message that will deliver it, and since when it waits (lost messages are
    # sent again). While running: the run's claim, who runs it, and its last sign of life.
    message_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker running it")
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "name"], name="one_stage_per_name")]
        indexes = [
            models.Index(
                fields=["state"], name="stage_in_flight", condition=models.Q(state__in=["queued", "running"])
            )
        ]
        ordering = ["job", "id"]

    def __str__(self) -> str:
        return f"{self.job} {self.name}"

    @property
    def label(self) -> str:
        return registry.stage_label(self.name)


class Artifact(models.Model):
    """A file a stage produced: sampled frames, audio, detections, transcript, censored output."""

    class Kind:
        """The engine's own kinds; an app names the artifacts of its stages (moderation: detections)."""

        FRAMES = "frames"  # sampled frames (extract)
        AUDIO = "audio"  # 16 kHz mono (extract)
        SCENES = "scenes"  # scene cuts (extract)
        CENSORED = "censored"  # the video's published output, which a render stage produces

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="artifacts")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=20)
    file = models.FileField(upload_to=_artifact_path, max_length=300)
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "kind"], name="one_artifact_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.video}"


def _upload_expiry() -> datetime:
    return timezone.now() + timedelta(hours=settings.UPLOAD_RESUME_HOURS)


class Upload(models.Model):
    """A resumable upload while its bytes arrive: by the tus protocol into a part file on local disk
    (settings.UPLOAD_PARTS_DIR), or straight from the browser to S3 as a multipart upload (`multipart_id`,
    at `storage_key`, the key its video's original will have). Once complete it is probed and becomes a
    Video (whose uid is the upload's), or fails with the reason. Only its user sees it. Unfinished uploads
    expire (`expires_at`) and are swept with their bytes."""

    class State(models.TextChoices):
        RECEIVING = "receiving", "Receiving"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    title = models.CharField(max_length=200, blank=True)
    length = models.BigIntegerField(help_text="bytes, announced when the upload was created")
    offset = models.BigIntegerField(default=0, help_text="bytes received so far")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVING)
    error = models.TextField(blank=True)
    storage_key = models.CharField(max_length=300, blank=True, help_text="direct to S3: the object's key")
    multipart_id = models.CharField(max_length=300, blank=True, help_text="direct to S3: S3's UploadId")
    video = models.ForeignKey(Video, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_upload_expiry)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.offset}/{self.length} bytes, {self.state})"
