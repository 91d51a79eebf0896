"""Upscales in the API: ask for one (with its estimate first, if you like), list them, read one, get
its file (`url`)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from billing.errors import BillingRefusal
from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from upscale import queries, services
from upscale.api.serializers import EstimateSerializer, UpscaleRequestSerializer, UpscaleSerializer
from upscale.errors import UpscaleRefusal
from upscale.models import Upscale

REFUSALS = {
    400: OpenApiResponse(description="bad options, or an output larger than 3840x2160"),
    404: OpenApiResponse(description="no such video"),
}


def refused(error: Exception) -> Response:
    """A refusal before any work starts: 402 from billing, 400 or 409 from the upscale app."""
    if isinstance(error, BillingRefusal):
        return Response(error.as_dict(), status=status.HTTP_402_PAYMENT_REQUIRED)
    assert isinstance(error, UpscaleRefusal)
    return Response(error.as_dict(), status=error.status)


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
    try:
        upscale = services.do_start_upscale(
            video, cast(User, request.user), form.validated_data["model"], form.validated_data["scale"]
        )
    except (UpscaleRefusal, BillingRefusal) as error:
        return refused(error)
    return Response(UpscaleSerializer(queries.visible_upscales().get(pk=upscale.pk)).data, status=202)


@extend_schema(parameters=[UpscaleRequestSerializer], responses={200: EstimateSerializer, **REFUSALS})
@api_view(["GET"])
def estimate_upscale(request: Request, video_id: int) -> Response:
    """What an upscale with these options would make, take and cost, before asking for it."""
    video = _video(video_id)
    params = UpscaleRequestSerializer(data=request.query_params.dict())
    params.is_valid(raise_exception=True)
    try:
        found = queries.estimate(video, params.validated_data["model"], params.validated_data["scale"])
    except UpscaleRefusal as error:
        return refused(error)
    return Response(EstimateSerializer(found).data)


class UpscaleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Upscale]):
    """This tenant's upscales, newest first; `?video=` only those of one video."""

    serializer_class = UpscaleSerializer

    def get_queryset(self) -> QuerySet[Upscale]:
        found = queries.visible_upscales()
        video = self.request.query_params.get("video", "")
        return found.filter(video_id=int(video)) if video.isdigit() else found
