"""Upscales in the API: what a request may ask for, the estimate, and what comes back."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from media_jobs.api.serializers import JobSummarySerializer
from media_jobs.links import signed_reverse
from upscale import options
from upscale.models import Upscale

NO_DENOISE = (
    "The shipped Real-ESRGAN models have no denoise strength; choose a model instead: x4plus cleans noise "
    "and compression more than animevideov3."
)


# Documented as the choices they are; checked by upscale.options, whose refusals name what is offered
# (codes unknown_model, bad_scale).
@extend_schema_field({"type": "string", "enum": list(options.MODELS)})
class ModelField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": options.SCALE_CHOICES})
class ScaleField(serializers.CharField):
    pass


class UpscaleRequestSerializer(serializers.Serializer[dict[str, Any]]):
    """An upscale's options. The scale is a factor ("2x", "3x", "4x") or an output height ("720", "1080",
    "1440", "2160"); the output is at most 3840x2160."""

    model = ModelField(
        default=options.DEFAULT_MODEL,
        help_text=f"one of {', '.join(options.MODELS)}; lanczos is not AI. {NO_DENOISE}",
    )
    scale = ScaleField(default="2x", help_text=f"one of {', '.join(options.SCALE_CHOICES)}")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict) and "denoise" in data:
            raise serializers.ValidationError({"denoise": [NO_DENOISE]})
        return super().to_internal_value(data)


class UpscaleFilterSerializer(serializers.Serializer[dict[str, Any]]):
    video = serializers.IntegerField(required=False, min_value=1, help_text="only this video's upscales")


class EstimateSerializer(serializers.Serializer[dict[str, Any]]):
    """What an upscale would make, take on a 2-core CPU worker, and count against the plan's minutes."""

    model = serializers.CharField()
    scale = serializers.CharField()
    ai = serializers.BooleanField()
    method = serializers.CharField()
    source_width = serializers.IntegerField()
    source_height = serializers.IntegerField()
    width = serializers.IntegerField(help_text="of the output")
    height = serializers.IntegerField(help_text="of the output")
    frames = serializers.IntegerField()
    cpu_seconds = serializers.FloatField()
    minutes_charged = serializers.FloatField()


class UpscaleSerializer(serializers.ModelSerializer[Upscale]):
    job = JobSummarySerializer(read_only=True)
    ai = serializers.BooleanField(source="is_ai", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Upscale
        fields = [
            "id", "video", "job", "model", "ai", "method", "scale", "width", "height", "estimate", "frames",
            "duration", "size_bytes", "url", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, upscale: Upscale) -> str | None:
        """The upscaled file, once made."""
        return signed_reverse("upscale_file", upscale.pk) if upscale.file else None
