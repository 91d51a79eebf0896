"""The search page (each result linked through the click recorder), search analytics, segment thumbnails and
the transcript on a video's page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from rest_framework.request import Request

from media_jobs import artifacts, files
from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from moderation.stages import TRANSCRIPT
from search import analytics, segmenting
from search.api.serializers import SearchParamsSerializer
from search.chart import searches_svg
from search.hooks import hit_actions
from search.models import Search, Segment
from team import roles


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """A search box and the moments found, each linked (through the click recorder) to its video at that
    second. The search is recorded for the tenant's analytics."""
    context: dict[str, object] = {"q": request.GET.get("q", "")}
    if "q" in request.GET:
        params = SearchParamsSerializer(data=request.GET)
        if params.is_valid():
            data = params.validated_data
            _, shown = analytics.search_and_record(
                data["q"], params.filters(), data["limit"], params.given_filters(), request.user,
                Search.Source.PAGE,
            )  # fmt: skip
            context["hits"] = [
                (hit, reverse("search_click", args=[result.pk]), hit_actions(hit.segment))
                for hit, result in shown
            ]
            context["strong_hits"] = sum(not hit.weak for hit, _ in shown)
        else:
            context["errors"] = params.errors
    return render(request, "search/search.html", context)


@login_required
def search_click(request: HttpRequest, result_id: int) -> HttpResponse:
    """Record that a result of one of your searches was followed, then play its video from that moment."""
    result = analytics.users_result(request.user, id=result_id)
    if result is None:
        raise Http404("No such result of a search of yours")
    analytics.do_record_click(result)
    return redirect(f"{reverse('video_detail', args=[result.video_id])}#t={result.start:.1f}")


@login_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    """Top queries, queries with no match, click-through and searches per day (owners and editors)."""
    if not roles.allows(request.user, roles.Rule.EDIT):
        reason = "Search analytics are for the site's owners and editors."
        return render(request, "team/refused.html", {"reason": reason}, status=403)
    report = analytics.report()
    context = {"report": report, "days": analytics.REPORT_DAYS, "chart": searches_svg(report.days)}
    return render(request, "search/analytics.html", context)


@files.file_view("image/jpeg")
def segment_thumbnail(request: Request, segment_id: int) -> HttpResponse:
    """The sampled frame that stands for a segment (JPEG)."""
    segment = get_object_or_404(
        Segment.objects.select_related("job"), id=segment_id, video__in=visible_videos(Video.objects.all())
    )
    jpeg = artifacts.frame_jpeg_near(segment.job, segment.keyframe_time)
    if jpeg is None:
        raise Http404("No frame for this segment")
    response = HttpResponse(jpeg, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def transcript_section(video: Video) -> dict[str, Any]:
    """The newest transcript, one line per sentence, each word with its time (a page section of media_jobs:
    clicking a word or a line's time seeks the player)."""
    transcript = artifacts.latest_json(video, TRANSCRIPT) or {"words": []}
    return {"transcript_lines": segmenting.sentence_words(transcript["words"])}
