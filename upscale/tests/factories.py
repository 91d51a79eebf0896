"""Videos to upscale: tiny real files (so every expected size and frame is known), stored as an upload is,
with the moderation job they need to have finished; and rows without media for the API and pages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import av
import numpy as np
from django.contrib.auth.models import User
from django.core.files import File
from django_tenants.utils import schema_context

from media_jobs import registry
from media_jobs.media.probe import probe_media
from media_jobs.models import Job, Stage, Video
from media_jobs.tests.factories import make_moderated_videos
from media_jobs.tests.media_factory import make_video
from tenants.models import Tenant


def make_source(path: Path, *, size: str = "64x36", frames: int = 10, fps: int = 10) -> Path:
    """testsrc2 (moving, detailed) with a 440 Hz AAC tone: `frames` frames at `fps`."""
    return make_video(path, duration=frames / fps, size=size, fps=fps)


def moderated_video_of(tenant: Tenant, path: Path, user: User | None = None) -> Video:
    """`path` stored as the tenant's upload, with a finished moderation job."""
    info = probe_media(path)
    with schema_context(tenant.schema_name):
        video = Video(
            title=path.stem, uploaded_by=user, size_bytes=info.size_bytes, duration=info.duration,
            width=info.width, height=info.height, fps=info.fps, has_audio=info.has_audio,
            media_info=dataclasses.asdict(info),
        )  # fmt: skip
        with path.open("rb") as content:
            video.original.save(path.name, File(content), save=False)
        video.save()
        job = Job.objects.create(kind=registry.upload_kind(), video=video, state=Job.State.SUCCEEDED)
        Stage.objects.bulk_create(
            Stage(job=job, name=name, state=Stage.State.SUCCEEDED) for name in registry.stages_of(job.kind)
        )
        return video


def sized_video(tenant: Tenant, width: int, height: int, duration: float = 60.0) -> Video:
    """A moderated video without media, `width` x `height` at 25 fps."""
    video = make_moderated_videos(tenant, 1)[0]
    with schema_context(tenant.schema_name):
        media_info = {"frame_count": round(duration * 25), "rotation": 0, "audio_codec": "aac"}
        Video.objects.filter(pk=video.pk).update(
            width=width, height=height, fps=25.0, duration=duration, media_info=media_info
        )
        video.refresh_from_db()
    return video


def decoded_frames(path: str | Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def audio_packets(path: str | Path) -> list[bytes]:
    """The audio stream's packets as stored: equal lists mean the audio was copied untouched."""
    with av.open(str(path)) as container:
        return [bytes(packet) for packet in container.demux(audio=0) if packet.size]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    error = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if error == 0 else float(10 * np.log10(255.0**2 / error))
