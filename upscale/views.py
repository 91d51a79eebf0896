"""Upscaling on the tenant site: the video page's upscale section (the form, the estimates, the results
with their links), the form's POST, and the upscaled files."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from billing import quota
from billing.errors import BillingRefusal
from billing.models import Plan
from media_jobs import files
from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from tenants.context import current_schema_name
from upscale import options, queries, services
from upscale.errors import UpscaleRefusal


def video_section(video: Video) -> dict[str, Any]:
    """The upscale part of a video's page (a hook of media_jobs)."""
    allowed = quota.plan_of(current_schema_name()).has_feature(Plan.Feature.UPSCALE)
    return {
        "upscales": list(video.upscales.select_related("job")[:10]),
        "upscale_allowed": allowed,
        "upscale_models": list(options.MODELS.values()),
        "upscale_scales": options.SCALE_CHOICES,
        "upscale_estimates": queries.estimates_offered(video) if allowed and video.width else [],
    }


@login_required
@require_POST
def start_upscale(request: HttpRequest, video_id: int) -> HttpResponse:
    """The video page's form: model and scale."""
    video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
    model = request.POST.get("model", options.DEFAULT_MODEL)
    try:
        upscale = services.do_start_upscale(
            video, cast(User, request.user), model, request.POST.get("scale", "")
        )
    except BillingRefusal as error:
        messages.error(request, f"{error.message} Plans and usage: {error.upgrade_url}")
        return redirect("video_detail", video_id=video.pk)
    except UpscaleRefusal as error:
        messages.error(request, error.message)
        return redirect("video_detail", video_id=video.pk)
    messages.info(request, f"Upscaling to {upscale.width}x{upscale.height}: {upscale.method}.")
    return redirect("job_detail", job_id=upscale.job_id)


@files.file_view("video/mp4", "video/x-matroska")
def upscale_file(request: Request, upscale_id: int) -> HttpResponseBase:
    """An upscaled video, for players (session) and the API (token)."""
    upscale = get_object_or_404(queries.visible_upscales(), id=upscale_id)
    if not upscale.file:
        raise Http404("Not upscaled yet")
    content_type = "video/mp4" if str(upscale.file.name).endswith(".mp4") else "video/x-matroska"
    return files.serve_file(request, upscale.file, content_type)
