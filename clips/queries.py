"""Reading clips: the filters of the clip list, clips found by what they say (search's hybrid query), and
search hits offered as clip candidates. Everything runs in the tenant's schema and through the
visibility policy: another tenant's clips and a rejected video's are never read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from clips import selection, services
from clips.analysis import Analysis
from clips.models import Clip
from clips.scoring import Scored
from media_jobs import hooks
from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from search.query import Hit, SearchFilters, search_segments

SEARCH_HITS = 50  # moments a clip search looks at


def visible_clips() -> QuerySet[Clip]:
    return Clip.objects.filter(video__in=visible_videos(Video.objects.all()))


def with_or_without_clips(videos: QuerySet[Video], has_clips: str) -> QuerySet[Video]:
    """The video list's "clips" filter (a hook of media_jobs)."""
    made = Clip.objects.filter(video=OuterRef("pk"))
    return videos.filter(Exists(made)) if has_clips == "yes" else videos.filter(~Exists(made))


HAS_CLIPS_FILTER = hooks.ListFilter(
    name="clips",
    form_field=lambda: forms.ChoiceField(
        label="Clips", required=False, choices=[("", "any"), ("yes", "Has clips"), ("no", "No clips")]
    ),
    keep=with_or_without_clips,
)


def filtered(clips: QuerySet[Clip], filters: dict[str, Any]) -> QuerySet[Clip]:
    """The clip list's filters: video, minimum score, safe to post, length."""
    if filters.get("video") is not None:
        clips = clips.filter(video_id=filters["video"])
    if filters.get("min_score") is not None:
        clips = clips.filter(score__gte=filters["min_score"])
    if filters.get("safe_to_post") is not None:
        clips = clips.filter(safe_to_post=filters["safe_to_post"])
    if filters.get("min_seconds") is not None:
        clips = clips.extra(where=['"end" - "start" >= %s'], params=[filters["min_seconds"]])
    if filters.get("max_seconds") is not None:
        clips = clips.extra(where=['"end" - "start" <= %s'], params=[filters["max_seconds"]])
    return clips


def _hits(query: str, video_id: int | None, limit: int) -> list[Hit]:
    return search_segments(query, SearchFilters(video_id=video_id), limit, settings.SEARCH_EF_SEARCH)


def matching(clips: QuerySet[Clip], query: str) -> list[Clip]:
    """The clips that say what `query` asks for: those overlapping the moments search finds, in the order
    of the best moment each overlaps, then by score."""
    hits = _hits(query, None, SEARCH_HITS)
    if not hits:
        return []
    spans = Q()
    for hit in hits:
        spans |= Q(video_id=hit.segment.video_id, start__lt=hit.segment.end, end__gt=hit.segment.start)
    found = list(clips.filter(spans).select_related("video"))

    def first_hit(clip: Clip) -> int:
        return next(i for i, hit in enumerate(hits) if _overlaps(clip, hit))

    return sorted(found, key=lambda clip: (first_hit(clip), -clip.score))


def _overlaps(clip: Clip, hit: Hit) -> bool:
    segment = hit.segment
    return segment.video_id == clip.video_id and clip.start < segment.end and clip.end > segment.start


@dataclass(frozen=True)
class ClipCandidate:
    """A search hit as a clip could be made of it: the window around it and how it would score."""

    hit: Hit
    clip: Scored


def candidates(
    query: str, options: selection.ClipOptions, limit: int, video_id: int | None
) -> list[ClipCandidate]:
    analyses: dict[int, Analysis] = {}
    found = []
    for hit in _hits(query, video_id, limit):
        video = hit.segment.video
        if video.duration < options.min_seconds:
            continue
        if video.pk not in analyses:
            analyses[video.pk] = services.analysis_of(video)
        moment = (hit.segment.start + hit.segment.end) / 2
        found.append(ClipCandidate(hit, selection.around(analyses[video.pk], moment, options)))
    return found
