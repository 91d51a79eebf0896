"""Stage outputs kept through Django's storage API (local disk or S3), one per job and kind."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

import numpy as np
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from media_jobs.media.frame_archive import jpeg_near, read_frames, write_frames
from media_jobs.models import Artifact, Job, Video
from reelremix.errors import PermanentJobError


def video_of(job: Job) -> Video:
    """The video a job works on (every job with stages has one)."""
    assert job.video is not None, "pipeline jobs always have a video"
    return job.video


def save_artifact(
    job: Job, kind: str, name: str, content: File[Any], metadata: dict[str, Any] | None = None
) -> Artifact:
    """Store `content` as the job's artifact of `kind`, replacing an earlier one (stages re-run)."""
    assert job.video is not None
    artifact = Artifact.objects.filter(job=job, kind=kind).first() or Artifact(
        job=job, video=job.video, kind=kind
    )
    if artifact.file:
        artifact.file.delete(save=False)
    artifact.metadata = metadata or {}
    artifact.file.save(name, content, save=False)
    artifact.save()
    return artifact


def delete_artifact(found: Artifact) -> None:
    """Delete an intermediate artifact and its file, once the stage that needed it is done with it."""
    found.file.delete(save=False)
    found.delete()


def artifact(job: Job, kind: str) -> Artifact | None:
    return Artifact.objects.filter(job=job, kind=kind).first()


def latest_artifact(video: Video, kind: str) -> Artifact | None:
    """The newest artifact of `kind` any job of the video made (what a later job builds on)."""
    return Artifact.objects.filter(video=video, kind=kind).order_by("-created_at", "-id").first()


def latest_json(video: Video, kind: str) -> Any:
    found = latest_artifact(video, kind)
    return None if found is None else _read_json(found)


def save_json(job: Job, kind: str, data: Any, metadata: dict[str, Any] | None = None) -> Artifact:
    return save_artifact(job, kind, f"{kind}.json", ContentFile(json.dumps(data).encode()), metadata)


def load_json(job: Job, kind: str) -> Any:
    found = artifact(job, kind)
    return None if found is None else _read_json(found)


def _read_json(found: Artifact) -> Any:
    with found.file.open("rb") as handle:
        return json.loads(handle.read())


@contextlib.contextmanager
def local_path(field_file: FieldFile) -> Iterator[Path]:
    """A local path for a stored file: the file itself on disk storage, else a temporary copy. A video's
    original that retention deleted fails the job that needs it, saying so."""
    video = field_file.instance
    if isinstance(video, Video) and field_file.field.name == "original" and video.original_deleted_at:
        deleted = f"{video.original_deleted_at:%Y-%m-%d}"
        raise PermanentJobError(f"This video's original was deleted on {deleted} by the plan's retention.")
    try:
        on_disk = Path(field_file.path)
    except NotImplementedError:  # remote storage (S3): copy it down
        pass
    else:
        yield on_disk
        return
    suffix = Path(field_file.name or "").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, field_file.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


def save_frames(job: Job, frames: Iterable[tuple[float, np.ndarray]]) -> int:
    """Sampled frames as one zip of JPEGs and their times (media.frame_archive); returns how many."""
    data, count = write_frames(frames)
    save_artifact(job, Artifact.Kind.FRAMES, "frames.zip", ContentFile(data), {"count": count})
    return count


def load_frames(job: Job) -> Iterator[tuple[float, np.ndarray]]:
    """The sampled frames, RGB, in order, with their times."""
    found = artifact(job, Artifact.Kind.FRAMES)
    if found is None:
        return
    with found.file.open("rb") as handle:
        yield from read_frames(cast(BinaryIO, handle), f"job {job.pk}")  # a file object, as zipfile needs


def frame_jpeg_near(job: Job, t: float) -> bytes | None:
    """The stored JPEG of the sampled frame closest to time t (for a moderator's look at a box)."""
    found = artifact(job, Artifact.Kind.FRAMES)
    if found is None:
        return None
    with found.file.open("rb") as handle:
        return jpeg_near(cast(BinaryIO, handle), t)
