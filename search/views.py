"""The search page, segment thumbnails and the transcript on a video's page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from rest_framework.request import Request

from media_jobs import artifacts, files
from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from moderation.stages import TRANSCRIPT
from search import segmenting
from search.api.serializers import SearchParamsSerializer, play_url
from search.hooks import hit_actions
from search.models import Segment
from search.query import search_segments


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """A search box and the moments found, each linked to its video at that second."""
    context: dict[str, object] = {"q": request.GET.get("q", "")}
    if "q" in request.GET:
        params = SearchParamsSerializer(data=request.GET)
        if params.is_valid():
            data = params.validated_data
            hits = search_segments(data["q"], params.filters(), data["limit"], settings.SEARCH_EF_SEARCH)
            context["hits"] = [(hit, play_url(hit), hit_actions(hit.segment)) for hit in hits]
            context["strong_hits"] = sum(not hit.weak for hit in hits)
        else:
            context["errors"] = params.errors
    return render(request, "search/search.html", context)


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
