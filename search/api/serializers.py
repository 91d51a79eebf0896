from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from media_jobs.hooks import visible_videos
from media_jobs.links import signed_reverse
from media_jobs.models import Video
from search.query import MAX_QUERY_CHARS, Hit, SearchFilters

MAX_LIMIT = 50
MAX_LABELS = 10


class SearchParamsSerializer(serializers.Serializer[dict[str, Any]]):
    """The query string of a search: the words, the filters, how many results."""

    q = serializers.CharField(max_length=MAX_QUERY_CHARS, trim_whitespace=True)
    video = serializers.IntegerField(required=False, min_value=1, help_text="only this video")
    uploaded_after = serializers.DateField(required=False, help_text="videos uploaded on or after this day")
    uploaded_before = serializers.DateField(required=False, help_text="videos uploaded on or before this day")
    min_duration = serializers.FloatField(required=False, min_value=0, help_text="video length, seconds")
    max_duration = serializers.FloatField(required=False, min_value=0, help_text="video length, seconds")
    labels = serializers.CharField(
        required=False, max_length=600, help_text="comma-separated detector labels"
    )
    settled = serializers.BooleanField(
        required=False, default=False, help_text="only approved or clean videos"
    )
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=MAX_LIMIT)

    def validate_video(self, video_id: int) -> int:
        if not visible_videos(Video.objects.filter(id=video_id)).exists():
            raise serializers.ValidationError(f"There is no video {video_id}.")
        return video_id

    def validate_labels(self, labels: str) -> list[str]:
        names = [label.strip().upper() for label in labels.split(",") if label.strip()]
        if len(names) > MAX_LABELS:
            raise serializers.ValidationError(f"At most {MAX_LABELS} labels.")
        return names

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        pairs = [("uploaded_after", "uploaded_before"), ("min_duration", "max_duration")]
        for low, high in pairs:
            if low in data and high in data and data[low] > data[high]:
                raise serializers.ValidationError({high: f"{high} is before {low}."})
        return data

    def filters(self) -> SearchFilters:
        data = self.validated_data
        after, before = data.get("uploaded_after"), data.get("uploaded_before")
        return SearchFilters(
            video_id=data.get("video"),
            created_after=_day_start(after) if after else None,
            created_before=_day_start(before + datetime.timedelta(days=1)) if before else None,
            min_duration=data.get("min_duration"),
            max_duration=data.get("max_duration"),
            labels=tuple(data.get("labels", ())),
            settled_only=data["settled"],
        )

    def given_filters(self) -> dict[str, Any]:
        """The filters given, as JSON values (not the defaults): what search analytics keeps of a search."""
        given = {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in self.validated_data.items()
            if name not in ("q", "limit") and value not in (None, False, [])
        }
        return given


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def play_url(hit: Hit) -> str:
    """The video's page, its player starting at the segment (the page reads #t=)."""
    return f"{reverse('video_detail', args=[hit.segment.video_id])}#t={hit.segment.start:.1f}"


class HitSerializer(serializers.Serializer[Hit]):
    def to_representation(self, hit: Hit) -> dict[str, Any]:
        segment = hit.segment
        return {
            "segment": segment.pk,
            "video": {"id": segment.video_id, "title": segment.video.title},
            "start": segment.start,
            "end": segment.end,
            "text": segment.text,
            "source": segment.source,  # "speech" or "screen" (text shown on screen)
            "snippet": hit.snippet,
            "score": round(hit.score, 5),
            "matched_by": hit.matched_by,
            "similarity": None if hit.similarity is None else round(hit.similarity, 4),
            "weak": hit.weak,  # under the relevance floor: shown, but not a real match
            "labels": segment.labels,
            "moderation_state": segment.moderation_state,
            "thumbnail_url": signed_reverse("segment_thumbnail", segment.pk),
            "play_url": play_url(hit),
        }


class ClickSerializer(serializers.Serializer[dict[str, Any]]):
    """A click an API client reports: which result of the search it followed."""

    rank = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, help_text="the result's rank, from 1")
