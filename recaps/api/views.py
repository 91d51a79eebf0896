"""Recaps in the API: ask for a recap of a video from a script (and narration), review its alignment,
swap a scene's shots, render it; the video's shots."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from media_jobs import uploads
from media_jobs.hooks import visible_videos
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Video
from recaps import services
from recaps.api.serializers import (
    FootageShotSerializer,
    PinShotsSerializer,
    RecapFilterSerializer,
    RecapRequestSerializer,
    RecapSceneSerializer,
    RecapSerializer,
    ShotSerializer,
)
from recaps.footage import footage_shots
from recaps.models import Recap
from reelremix.api_errors import PayloadTooLarge

UPLOAD_LIMIT = services.MAX_NARRATION_BYTES + 1024 * 1024  # the narration and the script


def visible_recaps() -> QuerySet[Recap]:
    """Recaps all of whose videos may be shown (a video rejected later hides the recaps it is in)."""
    visible = visible_videos(Video.objects.all())
    hidden = Video.objects.exclude(pk__in=visible.values("pk"))
    recaps = Recap.objects.filter(video__in=visible).exclude(sources__video__in=hidden)
    return recaps.select_related("job").prefetch_related("sources")


class StartRecap(APIView):
    """Make a recap of a video from a script: JSON, or multipart with a `narration` audio file."""

    parser_classes = [JSONParser, MultiPartParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        uploads.limit_upload_size(request._request, UPLOAD_LIMIT)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": RecapRequestSerializer, "multipart/form-data": RecapRequestSerializer},
        responses={202: RecapSerializer, 400: OpenApiResponse(description="bad script, narration or options"),
                   402: OpenApiResponse(description="not in the plan, or over quota"),
                   404: OpenApiResponse(description="no such video"),
                   409: OpenApiResponse(description="the video is not moderated, or waits for a moderator"),
                   413: OpenApiResponse(description="the upload is too large")},
    )  # fmt: skip
    def post(self, request: Request, video_id: int) -> Response:
        """Answers 202 with the recap; its job finds the shots, aligns the script and (unless `render`
        is false) renders. With `render` false, review the scenes, swap shots, then POST .../render/."""
        if uploads.upload_too_large(request._request):
            raise PayloadTooLarge(uploads.too_large_message(UPLOAD_LIMIT))
        video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
        form = RecapRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        options = services.RecapOptions(
            data["title"], data["max_run"], data["captions"], data["intro"], data["outro"], data["aspect"]
        )
        narration = data.get("narration")
        more = [get_object_or_404(visible_videos(Video.objects.all()), id=pk) for pk in data["more_videos"]]
        try:
            recap = services.do_start_recap(
                video, cast(User, request.user), data["script"], options, data["render"],
                uploads.temporary_path(narration) if narration else None, narration.name if narration else "",
                more,
            )  # fmt: skip
        except UnplayableMedia as error:
            raise ValidationError({"narration": [str(error)]}) from None
        return Response(
            RecapSerializer(visible_recaps().get(pk=recap.pk)).data, status=status.HTTP_202_ACCEPTED
        )


class RecapViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Recap]):
    """Recaps of this tenant's videos, newest first; `video` filters. Each lists its scenes: where the
    script matched the video, how sure the match is, the shots and cuts it shows."""

    serializer_class = RecapSerializer

    def get_queryset(self) -> QuerySet[Recap]:
        return visible_recaps().prefetch_related("scenes")

    @extend_schema(parameters=[RecapFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = RecapFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        recaps = self.get_queryset()
        if "video" in params.validated_data:
            recaps = recaps.filter(video_id=params.validated_data["video"])
        page = self.paginate_queryset(recaps)
        return self.get_paginated_response(RecapSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={202: RecapSerializer, 402: OpenApiResponse(description="not in the plan, or over quota"),
                   409: OpenApiResponse(description="still aligning or rendering")},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def render(self, request: Request, pk: str) -> Response:
        """Render the recap as aligned (and as its shots were swapped)."""
        recap = self.get_object()
        services.do_render_recap(recap, cast(User, request.user))
        return Response(
            RecapSerializer(self.get_queryset().get(pk=recap.pk)).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(responses={200: FootageShotSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)  # all of them, as a list
    def shots(self, request: Request, pk: str) -> Response:
        """The shots of the recap's footage, numbered as a scene's `shots` lists them."""
        return Response(FootageShotSerializer(footage_shots(self.get_object()), many=True).data)

    @extend_schema(
        request=PinShotsSerializer,
        responses={200: RecapSceneSerializer, 400: OpenApiResponse(description="unknown shots"),
                   404: OpenApiResponse(description="no such scene"),
                   409: OpenApiResponse(description="still aligning or rendering")},
    )  # fmt: skip
    @action(detail=True, methods=["patch"], url_path=r"scenes/(?P<index>\d+)")
    def scene(self, request: Request, pk: str, index: str) -> Response:
        """Swap a scene's footage: `shots`, the video's shot numbers to show first, in order."""
        recap = self.get_object()
        scene = get_object_or_404(recap.scenes.all(), index=int(index))
        form = PinShotsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        scene = services.do_pin_shots(scene, form.validated_data["shots"])
        return Response(RecapSceneSerializer(scene).data)


@extend_schema(responses={200: ShotSerializer(many=True), 404: OpenApiResponse(description="no such video")})
@api_view(["GET"])
def video_shots(request: Request, video_id: int) -> Response:
    """The video's shots, in order (empty until a recap of it has found them)."""
    video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
    return Response(ShotSerializer(video.shots.all(), many=True).data)
