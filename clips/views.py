"""Clips on the tenant site: the video page's clips section (make clips, make one from here), a clip's
page (players, score breakdown, edit, history), the clips page (filters, compile, music) and the files."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from billing import quota
from billing.errors import BillingRefusal
from billing.models import Plan
from clips import compilations, queries, services
from clips.api.serializers import ClipFilterSerializer
from clips.errors import ClipRefusal
from clips.media.types import ASPECTS
from clips.models import Clip, ClipRun, Compilation, MusicTrack, breakdown_parts
from media_jobs import files, uploads
from media_jobs.hooks import visible_videos
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Video
from search.hooks import HitAction
from search.models import Segment
from tenants.context import current_schema_name


def video_section(video: Video) -> dict[str, Any]:
    """The clips part of a video's page (a hook of media_jobs)."""
    return {
        "video_clips": list(Clip.objects.filter(video=video).order_by("-run__created_at", "rank")[:30]),
        "clip_run": ClipRun.objects.filter(video=video).select_related("job").first(),
        "clips_allowed": quota.plan_of(current_schema_name()).has_feature(Plan.Feature.CLIPS),
        "clip_aspects": list(ASPECTS),
    }


def _hit_moment(segment: Segment) -> dict[str, str]:
    return {"here": "1", "at": f"{(segment.start + segment.end) / 2:.2f}"}


# On every search hit: one clip around the moment found (a hook of search).
CLIP_FROM_HERE = HitAction(
    "Make a clip from here", lambda segment: reverse("make_clips", args=[segment.video_id]), _hit_moment
)


def _number(request: HttpRequest, name: str, default: float) -> float:
    try:
        return float(request.POST.get(name) or default)
    except ValueError:
        raise ClipRefusal("invalid_options", f"{name} must be a number.") from None


@login_required
@require_POST
def make_clips(request: HttpRequest, video_id: int) -> HttpResponse:
    """The video page's form: the best clips, or one around where the player stands."""
    video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
    try:
        at = _number(request, "at", 0.0) if request.POST.get("here") else None
        aspects = request.POST.getlist("aspects") or ["9:16"]
        options = services.check_options(
            video, _number(request, "min_seconds", 15), _number(request, "max_seconds", 60),
            int(_number(request, "count", 10)), aspects,
        )  # fmt: skip
        run = services.do_start_clips(
            video, cast(User, request.user), options, aspects, request.POST.get("captions", "1") == "1", at
        )
    except BillingRefusal as error:
        messages.error(request, f"{error.message} Plans and usage: {error.upgrade_url}")
        return redirect("video_detail", video_id=video.pk)
    except ClipRefusal as error:
        messages.error(request, error.message)
        return redirect("video_detail", video_id=video.pk)
    messages.info(request, "Clips are on their way: they appear on this page as they are rendered.")
    return redirect("job_detail", job_id=run.job_id)


@login_required
def clip_detail(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = get_object_or_404(queries.visible_clips().select_related("video", "render_job"), id=clip_id)
    context = {
        "clip": clip,
        "renditions": clip.renditions.all(),
        "parts": breakdown_parts(clip.breakdown),
        "edits": clip.edits.select_related("user"),
    }
    return render(request, "clips/clip_detail.html", context)


@login_required
@require_POST
def edit_clip(request: HttpRequest, clip_id: int) -> HttpResponse:
    clip = get_object_or_404(queries.visible_clips(), id=clip_id)
    try:
        start, end = _number(request, "start", clip.start), _number(request, "end", clip.end)
        services.do_edit_clip(clip.pk, cast(User, request.user), start, end)
    except (ClipRefusal, BillingRefusal) as error:
        messages.error(request, error.message)
    else:
        messages.info(request, "Saved: the clip is being rendered again.")
    return redirect("clip_detail", clip_id=clip.pk)


@login_required
def clips_page(request: HttpRequest) -> HttpResponse:
    """Every clip of the tenant, filtered (score, safe to post, video, length) or found by what it says."""
    params = ClipFilterSerializer(data={k: v for k, v in request.GET.items() if v != ""})
    clips: Any = queries.visible_clips().select_related("video").order_by("-score", "-id")
    errors = None
    if params.is_valid():
        clips = queries.filtered(clips, params.validated_data)
        if params.validated_data.get("q"):
            clips = queries.matching(clips, params.validated_data["q"])
    else:
        errors = params.errors
    context = {
        "clips": list(clips[:100]),
        "errors": errors,
        "videos": visible_videos(Video.objects.all()).only("id", "title")[:200],
        "music": MusicTrack.objects.all(),
        "compilations": Compilation.objects.select_related("job")[:20],
        "clip_aspects": list(ASPECTS),
    }
    return render(request, "clips/clips.html", context)


@login_required
@require_POST
def compile_clips(request: HttpRequest) -> HttpResponse:
    """The clips page's compile form: the ticked clips, in the order of their position numbers."""
    try:
        picked = sorted(
            (int(request.POST.get(f"position_{clip_id}") or 0), int(clip_id))
            for clip_id in request.POST.getlist("clips")
        )
        music = int(request.POST["music"]) if request.POST.get("music") else None
        compilation = compilations.do_create_compilation(
            cast(User, request.user), request.POST.get("title", ""), [clip_id for _, clip_id in picked],
            request.POST.get("aspect", "9:16"), _number(request, "crossfade", 0.5), music,
        )  # fmt: skip
    except ValueError:
        messages.error(request, "Positions and the music must be numbers.")
        return redirect("clips")
    except (ClipRefusal, BillingRefusal) as error:
        messages.error(request, error.message)
        return redirect("clips")
    assert compilation.job_id is not None
    return redirect("job_detail", job_id=compilation.job_id)


@login_required
@require_POST
def upload_music(request: HttpRequest) -> HttpResponse:
    uploads.limit_upload_size(request, compilations.MAX_MUSIC_BYTES)
    upload = request.FILES.get("file")
    if uploads.upload_too_large(request) or upload is None:
        messages.error(request, "Choose a music file under the size limit.")
        return redirect("clips")
    try:
        compilations.do_add_music(
            cast(User, request.user), uploads.temporary_path(upload), upload.name or "music",
            request.POST.get("title", ""),
        )  # fmt: skip
    except UnplayableMedia as error:
        messages.error(request, f"{upload.name}: {error}")
    return redirect("clips")


@files.file_view("video/mp4", "image/jpeg")
def clip_file(request: Request, clip_id: int, aspect: str, ext: str) -> HttpResponseBase:
    """A clip's MP4 or thumbnail in one aspect (9x16, 1x1, 16x9): for players (session) and the API."""
    clip = get_object_or_404(queries.visible_clips(), id=clip_id)
    rendition = clip.renditions.filter(aspect=aspect.replace("x", ":")).first()
    if rendition is None or ext not in ("mp4", "jpg"):
        raise Http404("No such rendition")
    if ext == "jpg":
        return files.serve_file(request, rendition.thumbnail, "image/jpeg")
    return files.serve_file(request, rendition.file, "video/mp4")


@files.file_view("video/mp4")
def compilation_file(request: Request, compilation_id: int) -> HttpResponseBase:
    compilation = get_object_or_404(Compilation, id=compilation_id)
    if not compilation.file:
        raise Http404("Not rendered yet")
    return files.serve_file(request, compilation.file, "video/mp4")
