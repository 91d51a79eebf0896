"""What the recaps API reads and answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clips.media.types import ASPECTS
from media_jobs.api.serializers import UploadField
from media_jobs.links import signed_reverse
from recaps.alignment import WEAK_CONFIDENCE
from recaps.footage import FootageShot
from recaps.models import Recap, RecapScene, Shot
from recaps.script import MAX_SCRIPT_CHARS
from recaps.services import DEFAULT_MAX_RUN, MAX_CARD_CHARS, MAX_RUN_LIMITS, MAX_SOURCES


class RecapRequestSerializer(serializers.Serializer[dict[str, Any]]):
    script = serializers.CharField(
        max_length=MAX_SCRIPT_CHARS,
        trim_whitespace=False,
        help_text="scenes split by blank lines, headings",
    )
    narration = UploadField(required=False, help_text="optional narration audio (multipart)")
    title = serializers.CharField(max_length=MAX_CARD_CHARS, required=False, default="", allow_blank=True)
    max_run = serializers.FloatField(min_value=MAX_RUN_LIMITS[0], max_value=MAX_RUN_LIMITS[1],
                                     default=DEFAULT_MAX_RUN)  # fmt: skip
    captions = serializers.BooleanField(default=True)
    intro = serializers.CharField(max_length=MAX_CARD_CHARS, required=False, default="", allow_blank=True)
    outro = serializers.CharField(max_length=MAX_CARD_CHARS, required=False, default="", allow_blank=True)
    aspect = serializers.ChoiceField(choices=list(ASPECTS), default="16:9")
    render = serializers.BooleanField(default=True, help_text="false: stop after the alignment, for review")
    more_videos = serializers.ListField(
        child=serializers.IntegerField(min_value=1), default=list, max_length=MAX_SOURCES - 1,
        help_text="more videos played after this one, in order, as one source",
    )  # fmt: skip


class FootageShotSerializer(serializers.Serializer[Any]):
    """One shot of a recap's footage: its number (what a scene's `shots` lists), its video and place."""

    number = serializers.IntegerField()
    video = serializers.IntegerField(source="video_id")
    index = serializers.IntegerField(help_text="the shot's number in its video")
    start = serializers.FloatField(help_text="footage seconds")
    end = serializers.FloatField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_thumbnail_url(self, shot: FootageShot) -> str:
        return signed_reverse("shot_thumbnail", shot.video_id, shot.index)


class ShotSerializer(serializers.ModelSerializer[Shot]):
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Shot
        fields = ["index", "start", "end", "thumbnail_url"]

    def get_thumbnail_url(self, shot: Shot) -> str:
        return signed_reverse("shot_thumbnail", shot.video_id, shot.index)


class RecapSceneSerializer(serializers.ModelSerializer[RecapScene]):
    weak = serializers.SerializerMethodField()

    class Meta:
        model = RecapScene
        fields = [
            "index", "heading", "text", "anchor_start", "anchor_end", "similarity", "confidence", "weak",
            "length", "narration_start", "narration_end", "shots", "pinned", "cuts",
        ]  # fmt: skip

    def get_weak(self, scene: RecapScene) -> bool:
        """True when the match is a guess: check this scene's shots."""
        return scene.confidence is not None and scene.confidence < WEAK_CONFIDENCE


class RecapSerializer(serializers.ModelSerializer[Recap]):
    status = serializers.SerializerMethodField()
    job = serializers.IntegerField(source="job_id", read_only=True, allow_null=True)
    job_error = serializers.SerializerMethodField()
    scenes = RecapSceneSerializer(many=True, read_only=True)
    file_url = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()

    class Meta:
        model = Recap
        fields = [
            "id", "video", "sources", "title", "status", "job", "job_error", "narration_seconds", "max_run",
            "captions", "intro", "outro", "aspect", "confidence", "version", "duration", "report", "file_url",
            "scenes", "created_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.ChoiceField(choices=[*Recap.State.values, "failed"]))
    def get_status(self, recap: Recap) -> str:
        return status_of(recap)

    def get_job_error(self, recap: Recap) -> str:
        return recap.job.error if recap.job is not None and status_of(recap) == "failed" else ""

    def get_sources(self, recap: Recap) -> list[int]:
        """The videos the recap draws from, in footage order (the first is `video`)."""
        return [source.video_id for source in recap.sources.all()]

    def get_file_url(self, recap: Recap) -> str | None:
        return signed_reverse("recap_file", recap.pk, "mp4") if recap.file else None


def status_of(recap: Recap) -> str:
    """The recap's state, or "failed" when its latest job failed."""
    return "failed" if recap.job is not None and recap.job.state == "failed" else recap.state


class PinShotsSerializer(serializers.Serializer[dict[str, Any]]):
    shots = serializers.ListField(child=serializers.IntegerField(min_value=0), min_length=1, max_length=50)


class RecapFilterSerializer(serializers.Serializer[dict[str, Any]]):
    video = serializers.IntegerField(required=False, min_value=1)
