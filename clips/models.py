"""Clips: the runs that find them, the clips with their scores, their rendered files, the edits made to
them, and compilations of clips with music."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models

from media_jobs.models import Job, Video
from tenants.context import current_schema_name


def _rendition_path(rendition: Rendition, filename: str) -> str:
    clip = rendition.clip
    return f"{current_schema_name()}/clips/{clip.video.uid}/{clip.uid}-v{rendition.version}-{filename}"


def _music_path(track: MusicTrack, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{current_schema_name()}/music/{track.uid}{suffix}"


def _compilation_path(compilation: Compilation, filename: str) -> str:
    return f"{current_schema_name()}/compilations/{compilation.uid}-{filename}"


class ClipRun(models.Model):
    """One request for clips of a video, with its options; its job finds, scores and renders them."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="clip_run")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="clip_runs")
    min_seconds = models.FloatField()
    max_seconds = models.FloatField()
    count = models.PositiveSmallIntegerField()
    aspects = models.JSONField(default=list)  # names of clips.media.types.ASPECTS, e.g. ["9:16"]
    captions = models.BooleanField(default=True)
    around = models.FloatField(null=True, blank=True, help_text="seconds: one clip around this moment")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Clips of {self.video} ({self.created_at:%Y-%m-%d %H:%M})"


class Clip(models.Model):
    """A chosen window of a video: where it is, what is said, how it scored and whether it is safe to post."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to render"  # its render job's state says how that goes
        READY = "ready", "Ready"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(ClipRun, on_delete=models.CASCADE, related_name="clips")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="clips")
    rank = models.PositiveSmallIntegerField()  # 1: the best of its run
    start = models.FloatField(help_text="seconds")
    end = models.FloatField(help_text="seconds")
    text = models.TextField(blank=True)  # the words said in it
    title = models.CharField(max_length=200, blank=True)
    title_source = models.CharField(max_length=40, blank=True)  # "transcript" or the model that wrote it
    score = models.FloatField()  # 0..1, what it is ranked by
    breakdown = models.JSONField(default=dict)  # part -> {value, weight, why}: see clips.scoring
    safe_to_post = models.BooleanField(default=False)
    safety = models.CharField(max_length=300, blank=True)  # why it is, or is not, safe to post
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    render_job = models.ForeignKey(Job, null=True, on_delete=models.SET_NULL, related_name="rendered_clips")
    version = models.PositiveIntegerField(default=1)  # raised by each edit
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "rank"]
        indexes = [models.Index(fields=["video", "score"])]

    def __str__(self) -> str:
        return f"Clip {self.rank} of {self.video} ({self.start:.1f}-{self.end:.1f} s)"

    @property
    def duration(self) -> float:
        return self.end - self.start


class Rendition(models.Model):
    """A rendered clip in one aspect ratio, with its thumbnail."""

    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="renditions")
    aspect = models.CharField(max_length=5)
    version = models.PositiveIntegerField()  # the clip's version it shows
    file = models.FileField(upload_to=_rendition_path, max_length=300)
    thumbnail = models.FileField(upload_to=_rendition_path, max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    duration = models.FloatField()
    size_bytes = models.BigIntegerField()
    report = models.JSONField(default=dict)  # what the renderer did (crop path, censoring)
    censor_digest = models.CharField(max_length=32, blank=True)  # what was censored in it: clips.following
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clip", "aspect"], name="one_rendition_per_aspect")]
        ordering = ["clip", "aspect"]

    def __str__(self) -> str:
        return f"{self.clip} {self.aspect}"

    @property
    def slug(self) -> str:
        """The aspect as it appears in URLs and file names: 9x16."""
        return aspect_slug(self.aspect)


def aspect_slug(aspect: str) -> str:
    return aspect.replace(":", "x")


class ClipEdit(models.Model):
    """A team member moved a clip's in and out points: kept with who and when (never edited)."""

    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="edits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    before = models.JSONField()  # {start, end}
    after = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clip", "created_at", "id"]

    def __str__(self) -> str:
        return f"Edit of {self.clip} by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"


class MusicTrack(models.Model):
    """Background music a tenant uploaded for compilations."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=_music_path, max_length=300)
    duration = models.FloatField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Compilation(models.Model):
    """Clips, in order, rendered as one video with crossfades and optional music."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    job = models.OneToOneField(Job, null=True, on_delete=models.SET_NULL, related_name="compilation")
    aspect = models.CharField(max_length=5)
    crossfade = models.FloatField(default=0.5)
    music = models.ForeignKey(MusicTrack, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=_compilation_path, max_length=300, blank=True)  # empty until rendered
    duration = models.FloatField(default=0.0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def ordered_clips(self) -> list[Clip]:
        return [item.clip for item in self.items.select_related("clip").order_by("position")]


class CompilationItem(models.Model):
    compilation = models.ForeignKey(Compilation, on_delete=models.CASCADE, related_name="items")
    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["compilation", "position"], name="one_clip_per_position")
        ]
        ordering = ["compilation", "position"]

    def __str__(self) -> str:
        return f"{self.compilation} #{self.position}"


def breakdown_parts(breakdown: dict[str, Any]) -> list[dict[str, Any]]:
    """A score's parts as a list, in the order they are explained."""
    return [{"name": name, **part} for name, part in breakdown.items()]
