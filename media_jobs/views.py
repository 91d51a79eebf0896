"""Tenant site pages: the dashboard (upload, recent videos, jobs), the video list, a video's page, a job's
progress page."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from rest_framework import status
from rest_framework.request import Request

from billing import quota
from billing.errors import BillingRefusal
from media_jobs import direct_upload, files, hooks, listing, registry, retention, services, uploads
from media_jobs.hooks import visible_videos
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Artifact, Job, Video
from media_jobs.stages import SELFCHECK
from reelremix.api_errors import ApiError
from tenants.context import current_schema_name

RECENT_VIDEOS = 10  # on the dashboard; the video list has them all


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    videos = hooks.loaded_for_list(visible_videos(Video.objects.prefetch_related("jobs")))[:RECENT_VIDEOS]
    jobs = Job.objects.filter(kind=SELFCHECK).select_related("created_by")[:10]
    context = {
        "videos": videos,
        "jobs": jobs,
        "upload_chunk_bytes": settings.UPLOAD_CHUNK_BYTES,
        "direct_to_s3": direct_upload.is_on(),
    }
    return render(request, "media_jobs/dashboard.html", context)


@login_required
def video_list(request: HttpRequest) -> HttpResponse:
    """Every video the tenant may see, filtered, sorted and paged; bad filter values are named and ignored."""
    form = listing.VideoFilterForm(request.GET)
    videos = listing.filtered(hooks.loaded_for_list(visible_videos(Video.objects.all())), form)
    page = Paginator(videos, listing.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "notes": form.notes(),
        "filtered": listing.is_filtered(form),
        "empty_hints": listing.empty_hints(form),
    }
    return render(request, "media_jobs/video_list.html", context)


@csrf_exempt  # checked below, once the size limit is in place (the CSRF check reads the body)
@login_required
@require_POST
def upload_video(request: HttpRequest) -> HttpResponse:
    """The dashboard's upload form: refuse bad files with the reason, keep nothing of them."""
    uploads.limit_upload_size(request, services.upload_limits().max_bytes)
    return _checked_upload(request)


@csrf_protect
def _checked_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if uploads.upload_too_large(request):
        messages.error(request, uploads.too_large_message(services.upload_limits().max_bytes))
        return redirect("dashboard")
    if upload is None:
        messages.error(request, "Choose a video file to upload.")
        return redirect("dashboard")
    try:
        path, title = uploads.temporary_path(upload), request.POST.get("title", "")
        job = services.do_submit_video(cast(User, request.user), path, upload.name or "video", title)
    except UnplayableMedia as err:
        messages.error(request, f"{upload.name}: {err}")
        return redirect("dashboard")
    except BillingRefusal as err:
        messages.error(request, f"{upload.name}: {err.message} Plans and usage: {err.upgrade_url}")
        return redirect("dashboard")
    assert job.video is not None
    return redirect("video_detail", video_id=job.video.pk)


@login_required
def video_detail(request: HttpRequest, video_id: int) -> HttpResponse:
    video = get_object_or_404(
        visible_videos(retention.with_oldest_intermediate(Video.objects.all())), id=video_id
    )
    job = video.jobs.filter(kind=registry.upload_kind()).prefetch_related("stages").first()
    censored = video.artifacts.filter(kind=Artifact.Kind.CENSORED).exists()
    marks = hooks.video_timeline(video)
    context: dict[str, Any] = {
        "video": video,
        "job": job,
        "censored": censored,
        "retention": retention.retention_of(video, quota.plan_of(current_schema_name())),
        "timeline_kinds": sorted({m.kind for m in marks}),
    }
    context["timeline"] = [(mark, *_placed(mark, video.duration)) for mark in marks]
    context.update(hooks.video_page_sections(video))
    return render(request, "media_jobs/video_detail.html", context)


def _placed(mark: hooks.Mark, duration: float) -> tuple[float, float]:
    """Where a mark sits on the timeline and how wide it is, in percent (at least a sliver, to be seen)."""
    if duration <= 0:
        return 0.0, 100.0
    left = min(max(mark.start / duration, 0.0), 1.0) * 100
    return round(left, 2), round(max((mark.end - mark.start) / duration * 100, 0.6), 2)


@files.file_view("video/mp4")
def video_file(request: Request, video_id: int, which: str) -> HttpResponseBase:
    """The original or censored MP4 of a video of this tenant: for players (session) and the API (token)."""
    video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
    if which == "original" and video.original_deleted_at:
        deleted = f"{video.original_deleted_at:%Y-%m-%d}"
        message = f"This video's original was deleted on {deleted} by the plan's retention."
        raise ApiError(status.HTTP_410_GONE, "original_deleted", message)
    if which == "original":
        return files.serve_file(request, video.original, "video/mp4")
    output = video.artifacts.filter(kind=Artifact.Kind.CENSORED).order_by("-created_at").first()
    if which != "censored" or output is None:
        raise Http404("No such output")
    return files.serve_file(request, output.file, "video/mp4")


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, id=job_id)
    return render(request, "media_jobs/job_detail.html", {"job": job})


@login_required
@require_POST
def start_selfcheck(request: HttpRequest) -> HttpResponse:
    job = services.do_create_selfcheck_job(request.user)  # type: ignore[arg-type]
    messages.info(request, "Self-check queued.")
    return redirect("job_detail", job_id=job.pk)
