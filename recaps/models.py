"""Recaps: a video's shots (PySceneDetect's precise cuts), and recaps made of them from a user's script,
scene by scene, with the alignment the user reviews before the render."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from media_jobs.models import Job, Video
from tenants.context import current_schema_name


def _shot_path(shot: Shot, filename: str) -> str:
    return f"{current_schema_name()}/shots/{shot.video.uid}/{shot.index:05d}-{filename}"


def _recap_path(recap: Recap, filename: str) -> str:
    return f"{current_schema_name()}/recaps/{recap.uid}-v{recap.version}-{filename}"


def _narration_path(recap: Recap, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{current_schema_name()}/recaps/{recap.uid}-narration{suffix}"


class Shot(models.Model):
    """A continuous shot of a video, between two cuts found on every frame of the full stream."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="shots")
    index = models.PositiveIntegerField()  # 0: the first shot
    start = models.FloatField(help_text="seconds")
    end = models.FloatField(help_text="seconds")
    thumbnail = models.FileField(upload_to=_shot_path, max_length=300, blank=True)  # its first frame

    class Meta:
        ordering = ["video", "index"]
        constraints = [models.UniqueConstraint(fields=["video", "index"], name="recaps_shot_video_index")]

    def __str__(self) -> str:
        return f"Shot {self.index} of {self.video_id} ({self.start:.2f}-{self.end:.2f} s)"

    @property
    def duration(self) -> float:
        return self.end - self.start


class Recap(models.Model):
    """A narrated or captioned summary of a video, following a user's script."""

    class State(models.TextChoices):
        ALIGNING = "aligning", "Finding the footage"
        REVIEW = "review", "Ready for review"  # aligned: the user may swap shots, then render
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="recaps")
    title = models.CharField(max_length=200, blank=True)
    script = models.TextField()
    narration = models.FileField(upload_to=_narration_path, max_length=300, blank=True)
    narration_seconds = models.FloatField(null=True, blank=True)
    max_run = models.FloatField(default=10.0, help_text="seconds: the longest continuous run of source")
    captions = models.BooleanField(default=True, help_text="the script over the footage (without narration)")
    intro = models.CharField(max_length=200, blank=True)
    outro = models.CharField(max_length=200, blank=True)
    aspect = models.CharField(max_length=8, default="16:9")  # a name of clips.media.types.ASPECTS
    state = models.CharField(max_length=10, choices=State.choices, default=State.ALIGNING)
    render_when_aligned = models.BooleanField(default=False)
    job = models.ForeignKey(Job, null=True, on_delete=models.SET_NULL, related_name="recaps")  # the latest
    confidence = models.FloatField(null=True, blank=True)  # the mean of its scenes'
    version = models.PositiveIntegerField(default=0)  # raised by each render
    file = models.FileField(upload_to=_recap_path, max_length=300, blank=True)
    thumbnail = models.FileField(upload_to=_recap_path, max_length=300, blank=True)
    duration = models.FloatField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)  # the render's and the rights guard's figures
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or f"Recap of {self.video}"


class RecapSource(models.Model):
    """One of the videos a recap draws from. Several play one after another as one footage timeline: this
    one starts `offset` seconds into it. The first is the recap's `video`."""

    recap = models.ForeignKey(Recap, on_delete=models.CASCADE, related_name="sources")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    offset = models.FloatField(help_text="seconds of the footage timeline where this video starts")

    class Meta:
        ordering = ["recap", "position"]
        constraints = [
            models.UniqueConstraint(fields=["recap", "position"], name="recaps_source_recap_position")
        ]

    def __str__(self) -> str:
        return f"{self.video} in {self.recap}"


class RecapScene(models.Model):
    """One scene of the script, where the alignment found it in the video, and the footage it shows."""

    recap = models.ForeignKey(Recap, on_delete=models.CASCADE, related_name="scenes")
    index = models.PositiveIntegerField()
    heading = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    anchor_start = models.FloatField(null=True, blank=True, help_text="footage seconds: the matched span")
    anchor_end = models.FloatField(null=True, blank=True)
    similarity = models.FloatField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)  # 0..1
    length = models.FloatField(default=0.0, help_text="seconds of recap")
    narration_start = models.FloatField(null=True, blank=True, help_text="seconds of the narration file")
    narration_end = models.FloatField(null=True, blank=True)
    shots = models.JSONField(default=list)  # numbers of the footage's shots it shows, in order (services)
    pinned = models.BooleanField(default=False)  # the user chose its shots
    cuts = models.JSONField(default=list)  # [[start, end], ...] seconds of the footage timeline, in order

    class Meta:
        ordering = ["recap", "index"]
        constraints = [models.UniqueConstraint(fields=["recap", "index"], name="recaps_scene_recap_index")]

    def __str__(self) -> str:
        return f"Scene {self.index + 1} of {self.recap}"
