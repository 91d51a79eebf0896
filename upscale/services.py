"""Upscales from the outside in: a request is checked, estimated and paid for before a job starts; the
job's stages (upscale.stages, doing the work in upscale.processing) record each finished chunk and then
the output here. Every write to Upscale and UpscaleChunk happens in this module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from billing import quota
from billing.models import Plan
from media_jobs import claims, jobs
from media_jobs.media.types import MediaInfo
from media_jobs.models import Job, Video
from moderation.services import require_reusable
from tenants.context import current_schema_name
from upscale import options
from upscale.errors import UpscaleRefusal, VideoNotReady
from upscale.models import Upscale, UpscaleChunk

UPSCALE = "upscale"  # the job kind


def plan_for(video: Video, model: str, scale: str) -> options.OutputPlan:
    """The output the options give for this video, or an UpscaleRefusal that says what is wrong."""
    try:
        return options.plan_output(video.width, video.height, model, scale)
    except options.BadOption as error:
        raise UpscaleRefusal(error.code, error.message) from None


def frame_count(video: Video) -> int:
    """Frames of the video, as probing counted or estimated them."""
    counted = int(video.media_info.get("frame_count") or 0)
    return counted or max(1, round(video.duration * (video.fps or 25.0)))


def estimate_for(video: Video, plan: options.OutputPlan) -> options.Estimate:
    return options.estimate(plan, frame_count(video), video.duration)


def require_moderated(video: Video) -> None:
    """Only a video whose moderation finished, and that no moderator rejected, is upscaled."""
    require_reusable(video, "upscale it", "upscaled", UpscaleRefusal, VideoNotReady)


@transaction.atomic
def do_start_upscale(video: Video, user: User | None, model: str, scale: str) -> Upscale:
    """Check the plan, the video and the options, reserve the video's minutes, and queue the job."""
    schema = current_schema_name()
    quota.require_feature(schema, Plan.Feature.UPSCALE)
    require_moderated(video)
    plan = plan_for(video, model, scale)
    estimate = estimate_for(video, plan)
    reservation = quota.do_reserve_minutes(schema, estimate.minutes_charged * 60, 0)
    job = jobs.create_job(UPSCALE, video, user)
    upscale = Upscale.objects.create(
        job=job, video=video, model=model, scale=scale, model_scale=plan.model_scale, method=plan.method,
        width=plan.width, height=plan.height, chunk_frames=settings.UPSCALE_CHUNK_FRAMES,
        estimate=estimate.as_dict(), created_by=user,
    )  # fmt: skip
    quota.attach_job(reservation, job.pk)
    claims.create_stages(job)
    return upscale


def upscale_of(job: Job) -> Upscale:
    return Upscale.objects.select_related("video").get(job=job)


def output_plan(upscale: Upscale) -> options.OutputPlan:
    video = upscale.video
    return options.OutputPlan(
        upscale.model, upscale.model_scale, upscale.width, upscale.height, video.width, video.height
    )


def source_info(upscale: Upscale) -> MediaInfo:
    return MediaInfo(**upscale.video.media_info)


def finished_chunks(upscale: Upscale) -> list[UpscaleChunk]:
    """The checkpoints so far, in order (a job resumes after the last)."""
    return list(UpscaleChunk.objects.filter(upscale=upscale).order_by("index"))


@transaction.atomic
def do_record_chunk(upscale: Upscale, index: int, frames: int, path: Path, wall_seconds: float) -> None:
    """Keep a finished chunk: its file in storage, then its row (a run killed between the two does the
    chunk again; a chunk recorded twice keeps the newer file)."""
    chunk = UpscaleChunk.objects.select_for_update().filter(upscale=upscale, index=index).first()
    if chunk is None:
        chunk = UpscaleChunk(upscale=upscale, index=index)
    else:
        chunk.file.delete(save=False)
    chunk.frames, chunk.wall_seconds = frames, round(wall_seconds, 3)
    with path.open("rb") as content:
        chunk.file.save(f"chunk-{index:05d}.mp4", File(content), save=False)
    chunk.save()


@transaction.atomic
def do_save_output(upscale: Upscale, path: Path, frames: int, duration: float) -> None:
    """Keep the output, settle the reserved minutes to its duration, and drop the chunks it was made of."""
    locked = Upscale.objects.select_for_update().get(pk=upscale.pk)
    if locked.file:
        return  # an earlier run kept it: a redelivered stage changes nothing
    with path.open("rb") as content:
        locked.file.save(f"upscaled{path.suffix}", File(content), save=False)
    locked.frames, locked.duration, locked.size_bytes = frames, round(duration, 3), path.stat().st_size
    locked.finished_at = timezone.now()
    locked.save(update_fields=["file", "frames", "duration", "size_bytes", "finished_at"])
    quota.do_settle_seconds(current_schema_name(), upscale.job_id, duration)
    for chunk in UpscaleChunk.objects.filter(upscale=upscale):
        chunk.file.delete(save=False)
    UpscaleChunk.objects.filter(upscale=upscale).delete()
    upscale.refresh_from_db()


def job_result(upscale: Upscale) -> dict[str, Any]:
    """What an upscale job reports: the output's size, frames, method and whether it is AI."""
    return {
        "upscale": upscale.pk, "width": upscale.width, "height": upscale.height, "frames": upscale.frames,
        "duration": upscale.duration, "method": upscale.method, "ai": upscale.is_ai,
    }  # fmt: skip
