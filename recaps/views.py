"""Recaps on the tenant site: the video page's recap section (its shots, the script form, its recaps), a
recap's page (the alignment to review: each scene, its confidence and shots; swap, render, play) and the
files (the recap, shot thumbnails)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from billing import quota
from billing.errors import BillingRefusal
from billing.models import Plan
from clips.media.types import ASPECTS
from media_jobs import files, uploads
from media_jobs.hooks import visible_videos
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Video
from recaps import services
from recaps.alignment import WEAK_CONFIDENCE
from recaps.api.serializers import status_of
from recaps.api.views import UPLOAD_LIMIT, visible_recaps
from recaps.errors import RecapRefusal
from recaps.footage import footage_shots
from tenants.context import current_schema_name

SHOTS_SHOWN = 60  # on the video page; the API lists them all


def video_section(video: Video) -> dict[str, Any]:
    """The recap part of a video's page (a hook of media_jobs)."""
    return {
        "video_shots": list(video.shots.all()[:SHOTS_SHOWN]),
        "shot_count": video.shots.count(),
        "video_recaps": [(recap, status_of(recap)) for recap in visible_recaps().filter(video=video)[:10]],
        "recap_allowed": quota.plan_of(current_schema_name()).has_feature(Plan.Feature.RECAP),
        "recap_aspects": list(ASPECTS),
        "default_max_run": services.DEFAULT_MAX_RUN,
    }


def _options(request: HttpRequest) -> services.RecapOptions:
    try:
        max_run = float(request.POST.get("max_run") or services.DEFAULT_MAX_RUN)
    except ValueError:
        raise RecapRefusal("invalid_options", "max_run must be a number of seconds.") from None
    return services.RecapOptions(
        request.POST.get("title", ""), max_run, request.POST.get("captions", "1") == "1",
        request.POST.get("intro", ""), request.POST.get("outro", ""), request.POST.get("aspect", "16:9"),
    )  # fmt: skip


@login_required
@require_POST
def make_recap(request: HttpRequest, video_id: int) -> HttpResponse:
    """The video page's form: a script, an optional narration file, options; review first or render."""
    uploads.limit_upload_size(request, UPLOAD_LIMIT)
    video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
    if uploads.upload_too_large(request):
        messages.error(request, uploads.too_large_message(UPLOAD_LIMIT))
        return redirect("video_detail", video_id=video.pk)
    narration = request.FILES.get("narration")
    narration_path = uploads.temporary_path(narration) if narration else None
    try:
        more = _more_videos(request.POST.get("more_videos", ""))
        recap = services.do_start_recap(
            video, cast(User, request.user), request.POST.get("script", ""), _options(request),
            request.POST.get("review") != "1",
            narration_path, (narration.name or "") if narration else "", more,
        )  # fmt: skip
    except BillingRefusal as error:
        messages.error(request, f"{error.message} Plans and usage: {error.upgrade_url}")
        return redirect("video_detail", video_id=video.pk)
    except (RecapRefusal, UnplayableMedia) as error:
        messages.error(request, str(error))
        return redirect("video_detail", video_id=video.pk)
    messages.info(request, "The recap is on its way: its scenes appear here once matched to the video.")
    return redirect("recap_detail", recap_id=recap.pk)


def _more_videos(given: str) -> list[Video]:
    """The form's "more videos": ids separated by commas or spaces, each a video this tenant may see."""
    try:
        ids = [int(part) for part in given.replace(",", " ").split()]
    except ValueError:
        raise RecapRefusal("invalid_videos", "More videos are video numbers, separated by commas.") from None
    found = {video.pk: video for video in visible_videos(Video.objects.filter(pk__in=ids))}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise RecapRefusal("invalid_videos", f"No video {', '.join(missing)} here.")
    return [found[pk] for pk in ids]


@login_required
def recap_detail(request: HttpRequest, recap_id: int) -> HttpResponse:
    recap = get_object_or_404(visible_recaps().select_related("video"), id=recap_id)
    shots = {shot.number: shot for shot in footage_shots(recap)}
    scenes = [
        (scene, [shots[number] for number in scene.shots if number in shots],
         scene.confidence is not None and scene.confidence < WEAK_CONFIDENCE)
        for scene in recap.scenes.all()
    ]  # fmt: skip
    context = {"recap": recap, "status": status_of(recap), "scenes": scenes, "shot_count": len(shots)}
    return render(request, "recaps/recap_detail.html", context)


@login_required
@require_POST
def pin_shots(request: HttpRequest, recap_id: int, index: int) -> HttpResponse:
    """The recap page's swap form: a scene's shots as numbers separated by commas or spaces."""
    recap = get_object_or_404(visible_recaps(), id=recap_id)
    scene = get_object_or_404(recap.scenes.all(), index=index)
    try:
        picked = [int(part) for part in request.POST.get("shots", "").replace(",", " ").split()]
        services.do_pin_shots(scene, picked)
    except ValueError:
        messages.error(request, "Shots are numbers, separated by commas or spaces.")
    except RecapRefusal as error:
        messages.error(request, error.message)
    else:
        messages.info(
            request, f"Scene {index + 1} now shows shots {', '.join(map(str, picked))}. Render to see it."
        )
    return redirect("recap_detail", recap_id=recap.pk)


@login_required
@require_POST
def render_recap(request: HttpRequest, recap_id: int) -> HttpResponse:
    recap = get_object_or_404(visible_recaps(), id=recap_id)
    try:
        job = services.do_render_recap(recap, cast(User, request.user))
    except (RecapRefusal, BillingRefusal) as error:
        messages.error(request, error.message)
        return redirect("recap_detail", recap_id=recap.pk)
    return redirect("job_detail", job_id=job.pk)


@files.file_view("video/mp4", "image/jpeg")
def recap_file(request: Request, recap_id: int, ext: str) -> HttpResponseBase:
    """A recap's MP4 or thumbnail: for players (session) and the API."""
    recap = get_object_or_404(visible_recaps(), id=recap_id)
    if not recap.file:
        raise Http404("Not rendered yet")
    if ext == "jpg":
        return files.serve_file(request, recap.thumbnail, "image/jpeg")
    return files.serve_file(request, recap.file, "video/mp4")


@files.file_view("image/jpeg")
def shot_thumbnail(request: Request, video_id: int, index: int) -> HttpResponseBase:
    """The first frame of one of the video's shots."""
    video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
    shot = get_object_or_404(video.shots.all(), index=index)
    if not shot.thumbnail:
        raise Http404("No thumbnail")
    return files.serve_file(request, shot.thumbnail, "image/jpeg")
