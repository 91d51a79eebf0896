"""Jobs from the outside in: self-checks, uploads accepted (each starts the upload job kind), jobs of a
registered kind started on request. How a job's stages run is in media_jobs.pipeline, how it ends in
media_jobs.outcomes."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import asdict
from pathlib import Path
from uuid import UUID

import dramatiq
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction

from billing import quota
from billing.models import UsageEntry
from media_jobs import claims, jobs, registry
from media_jobs.media.probe import MediaLimits, check_media
from media_jobs.media.types import MediaInfo
from media_jobs.models import Job, Video
from media_jobs.outcomes import do_finish_job
from media_jobs.stages import SELFCHECK
from tenants.context import current_schema_name

SELFCHECK_STEPS = 5


@transaction.atomic
def do_create_selfcheck_job(user: User) -> Job:
    """Queue a job that walks the whole path: broker → worker → database → Channels → browser."""
    job = jobs.create_job(SELFCHECK, None, user, progress_total=SELFCHECK_STEPS)
    schema_name = current_schema_name()
    actor = dramatiq.get_broker().get_actor("run_selfcheck")  # by name: the actors module imports this one
    transaction.on_commit(lambda: actor.send(schema_name, job.pk))
    return job


def run_selfcheck(job_id: int) -> None:
    """Report progress step by step from the worker, then succeed with where it ran."""
    job = jobs.claim_job(job_id)
    if job is None:
        job = Job.objects.get(id=job_id)
        if job.is_finished:
            return  # a redelivered message for a finished job changes nothing
        # Still "running": the worker that had it died mid-way; the check is stateless, so redo it.
    for step in range(1, SELFCHECK_STEPS + 1):
        time.sleep(settings.SELFCHECK_STEP_SECONDS)  # paced so that a person sees the bar move
        jobs.store_progress(job, step, SELFCHECK_STEPS, f"step {step} of {SELFCHECK_STEPS} ran in the worker")
    do_finish_job(job, {"worker_host": socket.gethostname(), "worker_pid": os.getpid()})


def upload_limits() -> MediaLimits:
    """The limits an upload is checked against: the tenant's plan where it sets them, else the site's."""
    max_bytes, max_seconds = quota.upload_limits_of(current_schema_name())
    return MediaLimits(
        max_bytes=max_bytes or settings.MAX_UPLOAD_BYTES,
        max_duration=max_seconds or settings.MAX_VIDEO_SECONDS,
        max_side=settings.MAX_VIDEO_SIDE,
    )


def check_upload(path: Path) -> MediaInfo:
    """Probe an uploaded file before anything is stored for good; UnplayableMedia says why not."""
    return check_media(path, upload_limits())


@transaction.atomic
def do_submit_video(user: User | None, path: Path, filename: str, title: str = "") -> Job:
    """Accept a checked video: store it, start the job kind uploads start (moderation) and queue its first
    stages.
    Billing reserves its minutes first and refuses (BillingRefusal) before anything is stored."""
    video, reservation = _checked_video(path, filename, title, user)
    with path.open("rb") as handle:
        video.original.save(Path(filename).name, File(handle), save=False)
    return _started(video, reservation, user)


@transaction.atomic
def do_submit_stored_video(
    user: User | None, path: Path, key: str, uid: UUID, filename: str, title: str
) -> Job:
    """do_submit_video for a file the client put in storage itself (a direct upload to S3), under `key` (the
    key `Video.original` gives a video of `uid`); `path` is a local copy to probe."""
    video, reservation = _checked_video(path, filename, title, user)
    video.uid, video.original.name = uid, key
    return _started(video, reservation, user)


def _checked_video(path: Path, filename: str, title: str, user: User | None) -> tuple[Video, UsageEntry]:
    info = check_upload(path)
    reservation = quota.do_reserve_minutes(current_schema_name(), info.duration, info.size_bytes)
    video = Video(
        title=(title or Path(filename).stem)[:200], uploaded_by=user, size_bytes=info.size_bytes,
        duration=info.duration, width=info.width, height=info.height, fps=info.fps, has_audio=info.has_audio,
        media_info=asdict(info),
    )  # fmt: skip
    return video, reservation


def _started(video: Video, reservation: UsageEntry, user: User | None) -> Job:
    video.save()
    job = do_start_job(registry.upload_kind(), video, user)
    quota.attach_job(reservation, job.pk)
    return job


@transaction.atomic
def do_start_job(kind: str, video: Video | None, user: User | None) -> Job:
    """A job of a registered kind (over `video`, for kinds that work on one), its first stages queued on
    commit."""
    job = jobs.create_job(kind, video, user)
    claims.create_stages(job)
    return job
