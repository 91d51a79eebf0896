"""Reads: the upscales a tenant may see (those of videos its pages may show), and the estimates offered."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from upscale import options, services
from upscale.errors import UpscaleRefusal
from upscale.models import Upscale


def visible_upscales() -> QuerySet[Upscale]:
    return Upscale.objects.filter(video__in=visible_videos(Video.objects.all())).select_related(
        "job", "video"
    )


def estimate(video: Video, model: str, scale: str) -> dict[str, Any]:
    """What an upscale with these options would make, take and cost; UpscaleRefusal when it cannot be."""
    plan = services.plan_for(video, model, scale)
    return {
        "model": model, "scale": scale, "ai": options.MODELS[model].ai, "method": plan.method,
        "source_width": video.width, "source_height": video.height,
        "width": plan.width, "height": plan.height,
        **services.estimate_for(video, plan).as_dict(),
    }  # fmt: skip


def estimates_offered(video: Video) -> list[dict[str, Any]]:
    """The estimate of each scale with the default model and with lanczos, or why that scale is refused."""
    found = []
    for model in (options.DEFAULT_MODEL, options.LANCZOS):
        for scale in options.SCALE_CHOICES:
            try:
                found.append(estimate(video, model, scale))
            except UpscaleRefusal as refusal:
                found.append({"model": model, "scale": scale, "refused": refusal.message})
    return found
