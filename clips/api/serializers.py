"""Clips, compilations and music in the API: what a request may ask for, and what comes back."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from clips import selection, services
from clips.compilations import MAX_CLIPS, MAX_CROSSFADE
from clips.media.types import ASPECTS
from clips.models import Clip, ClipEdit, ClipRun, Compilation, MusicTrack, Rendition, breakdown_parts
from media_jobs.api.serializers import JobSummarySerializer, UploadField
from media_jobs.links import signed_reverse

ASPECT_CHOICES = list(ASPECTS)
DEFAULTS = selection.ClipOptions()


class ClipLengthSerializer(serializers.Serializer[dict[str, Any]]):
    """How long clips may be."""

    min_seconds = serializers.FloatField(
        default=DEFAULTS.min_seconds, min_value=services.LIMITS["min_seconds"][0],
        max_value=services.LIMITS["min_seconds"][1],
    )  # fmt: skip
    max_seconds = serializers.FloatField(
        default=DEFAULTS.max_seconds, min_value=services.LIMITS["max_seconds"][0],
        max_value=services.LIMITS["max_seconds"][1],
    )  # fmt: skip

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["min_seconds"] > data["max_seconds"]:
            raise serializers.ValidationError({"max_seconds": "max_seconds is less than min_seconds."})
        return data


class ClipRequestSerializer(ClipLengthSerializer):
    """Options of a request for clips; `at` asks for one clip around that moment (a search hit)."""

    count = serializers.IntegerField(default=DEFAULTS.count, min_value=1, max_value=services.MAX_COUNT)
    aspects = serializers.ListField(
        child=serializers.ChoiceField(choices=ASPECT_CHOICES), default=["9:16"], min_length=1, max_length=3
    )
    captions = serializers.BooleanField(default=True, help_text="burn word-by-word captions in")
    at = serializers.FloatField(required=False, min_value=0, help_text="one clip around this second")


class CandidateParamsSerializer(ClipLengthSerializer):
    """A search whose results come back as clip candidates."""

    q = serializers.CharField(max_length=500)
    video = serializers.IntegerField(required=False, min_value=1, help_text="only this video")
    limit = serializers.IntegerField(default=10, min_value=1, max_value=50)


class ClipRunSerializer(serializers.ModelSerializer[ClipRun]):
    job = JobSummarySerializer(read_only=True)

    class Meta:
        model = ClipRun
        fields = [
            "id", "video", "job", "min_seconds", "max_seconds", "count", "aspects", "captions", "around",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class RenditionSerializer(serializers.ModelSerializer[Rendition]):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Rendition
        fields = ["aspect", "width", "height", "duration", "size_bytes", "version", "url", "thumbnail_url"]
        read_only_fields = fields

    def get_url(self, rendition: Rendition) -> str:
        return signed_reverse("clip_file", rendition.clip_id, rendition.slug, "mp4")

    def get_thumbnail_url(self, rendition: Rendition) -> str:
        return signed_reverse("clip_file", rendition.clip_id, rendition.slug, "jpg")


class ClipEditSerializer(serializers.ModelSerializer[ClipEdit]):
    user = serializers.CharField(source="user.get_username", default=None, read_only=True)

    class Meta:
        model = ClipEdit
        fields = ["user", "before", "after", "created_at"]
        read_only_fields = fields


class ScorePartSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField()
    value = serializers.FloatField()
    weight = serializers.FloatField(allow_null=True, help_text="share of the score; null for the risk")
    why = serializers.CharField()


class ClipSerializer(serializers.ModelSerializer[Clip]):
    duration = serializers.FloatField(read_only=True)
    breakdown = serializers.SerializerMethodField()
    renditions = RenditionSerializer(many=True, read_only=True)
    edits = ClipEditSerializer(many=True, read_only=True)

    class Meta:
        model = Clip
        fields = [
            "id", "video", "run", "rank", "start", "end", "duration", "title", "title_source", "text",
            "score", "breakdown", "safe_to_post", "safety", "state", "version", "render_job", "renditions",
            "edits", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_breakdown(self, clip: Clip) -> list[dict[str, Any]]:
        """The score's parts, each with its value (0 to 1), its weight and why (risk has no weight: it lowers
        the weighted sum of the others)."""
        return breakdown_parts(clip.breakdown)


class ClipEditRequestSerializer(serializers.Serializer[dict[str, Any]]):
    start = serializers.FloatField(min_value=0, help_text="new in point, seconds (snapped to a word)")
    end = serializers.FloatField(min_value=0, help_text="new out point, seconds (snapped to a word)")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": "end must be after start."})
        return data


class ClipFilterSerializer(serializers.Serializer[dict[str, Any]]):
    video = serializers.IntegerField(required=False, min_value=1)
    min_score = serializers.FloatField(required=False, min_value=0, max_value=1)
    safe_to_post = serializers.BooleanField(required=False, allow_null=True, default=None)
    min_seconds = serializers.FloatField(required=False, min_value=0)
    max_seconds = serializers.FloatField(required=False, min_value=0)
    q = serializers.CharField(required=False, max_length=500, help_text="clips that say this, by meaning")


class CompilationRequestSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200, required=False, default="Compilation")
    clips = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_CLIPS
    )
    aspect = serializers.ChoiceField(choices=ASPECT_CHOICES, default="9:16")
    crossfade = serializers.FloatField(default=0.5, min_value=0, max_value=MAX_CROSSFADE)
    music = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class CompilationSerializer(serializers.ModelSerializer[Compilation]):
    job = JobSummarySerializer(read_only=True)
    clips = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Compilation
        fields = [
            "id",
            "title",
            "aspect",
            "crossfade",
            "music",
            "clips",
            "duration",
            "job",
            "url",
            "created_at",
        ]
        read_only_fields = fields

    def get_clips(self, compilation: Compilation) -> list[int]:
        return [item.clip_id for item in compilation.items.all()]

    def get_url(self, compilation: Compilation) -> str | None:
        return signed_reverse("compilation_file", compilation.pk) if compilation.file else None


class MusicUploadSerializer(serializers.Serializer[dict[str, Any]]):
    file = UploadField()
    title = serializers.CharField(max_length=200, required=False, default="")


class MusicTrackSerializer(serializers.ModelSerializer[MusicTrack]):
    class Meta:
        model = MusicTrack
        fields = ["id", "title", "duration", "created_at"]
        read_only_fields = fields
