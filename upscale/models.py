"""Upscales: one request to make a video larger (its options, its job, its file), and the chunks a
running job has finished (its checkpoints: a restarted job resumes after the last)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from media_jobs.models import Job, Video
from tenants.context import current_schema_name
from upscale.options import MODELS


def _output_path(upscale: Upscale, filename: str) -> str:
    return f"{current_schema_name()}/upscales/{upscale.video.uid}/{upscale.uid}-{filename}"


def _chunk_path(chunk: UpscaleChunk, filename: str) -> str:
    return f"{current_schema_name()}/upscales/{chunk.upscale.video.uid}/{chunk.upscale.uid}/{filename}"


class Upscale(models.Model):
    """A video made larger by a Real-ESRGAN model (or lanczos, not AI), its audio copied untouched."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="upscale")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="upscales")
    model = models.CharField(max_length=20, choices=[(name, m.label) for name, m in MODELS.items()])
    scale = models.CharField(max_length=8, help_text='as asked: "2x", "4x" or a height such as "1080"')
    model_scale = models.PositiveSmallIntegerField(help_text="the model's own factor; 0: lanczos only")
    method = models.CharField(max_length=120)  # what a person reads: the model, and lanczos when it finishes
    width = models.PositiveIntegerField()  # of the output
    height = models.PositiveIntegerField()
    chunk_frames = models.PositiveIntegerField()  # frames per checkpoint
    estimate = models.JSONField(default=dict)  # frames, cpu_seconds, minutes_charged: shown before it ran
    frames = models.PositiveIntegerField(default=0)  # in the output, once made
    duration = models.FloatField(default=0.0)  # seconds, of the output
    file = models.FileField(upload_to=_output_path, max_length=300, blank=True)  # empty until made
    size_bytes = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.video} at {self.width}x{self.height} ({self.model})"

    @property
    def is_ai(self) -> bool:
        return MODELS[self.model].ai


class UpscaleChunk(models.Model):
    """A finished run of `frames` frames from frame `index` x chunk_frames, encoded: a checkpoint."""

    upscale = models.ForeignKey(Upscale, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    frames = models.PositiveIntegerField()
    file = models.FileField(upload_to=_chunk_path, max_length=300)
    wall_seconds = models.FloatField()  # what it took: the job page and the estimate's check
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upscale", "index"], name="one_chunk_per_index")]
        ordering = ["upscale", "index"]

    def __str__(self) -> str:
        return f"{self.upscale} chunk {self.index}"
