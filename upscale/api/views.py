"""Upscales in the API: ask for one (with its estimate first, if you like), list them, read one, get
its file (`url`)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from upscale import queries, services
from upscale.api.serializers import (
    EstimateSerializer,
    UpscaleFilterSerializer,
    UpscaleRequestSerializer,
    UpscaleSerializer,
)
from upscale.models import Upscale

REFUSALS = {
    400: OpenApiResponse(description="bad options, or an output larger than 3840x2160"),
    404: OpenApiResponse(description="no such video"),
}


def _video(video_id: int) -> Video:
    return get_object_or_404(visible_videos(Video.objects.all()), id=video_id)


@extend_schema(
    request=UpscaleRequestSerializer,
    responses={202: UpscaleSerializer, **REFUSALS,
               402: OpenApiResponse(description="not in the plan, or over quota"),
               409: OpenApiResponse(description="not moderated yet, or rejected")},
)  # fmt: skip
@api_view(["POST"])
def start_upscale(request: Request, video_id: int) -> Response:
    """Upscale a video by `scale` with `model`; answers 202 with the upscale, its job and its estimate."""
    video = _video(video_id)
    form = UpscaleRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    upscale = services.do_start_upscale(
        video, cast(User, request.user), form.validated_data["model"], form.validated_data["scale"]
    )
    return Response(UpscaleSerializer(queries.visible_upscales().get(pk=upscale.pk)).data, status=202)


@extend_schema(parameters=[UpscaleRequestSerializer], responses={200: EstimateSerializer, **REFUSALS})
@api_view(["GET"])
def estimate_upscale(request: Request, video_id: int) -> Response:
    """What an upscale with these options would make, take and cost, before asking for it."""
    video = _video(video_id)
    params = UpscaleRequestSerializer(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    found = queries.estimate(video, params.validated_data["model"], params.validated_data["scale"])
    return Response(EstimateSerializer(found).data)


class UpscaleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Upscale]):
    """This tenant's upscales, newest first; `?video=` only those of one video."""

    serializer_class = UpscaleSerializer

    def get_queryset(self) -> QuerySet[Upscale]:
        found = queries.visible_upscales()
        if self.action != "list":
            return found
        params = UpscaleFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        video = params.validated_data.get("video")
        return found if video is None else found.filter(video_id=video)

    @extend_schema(parameters=[UpscaleFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
