"""Clips in the API: ask for clips of a video, list and filter them (also by what they say), move a
clip's in and out points, search results as clip candidates, compilations and their music."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from clips import compilations, queries, services
from clips.api.serializers import (
    CandidateParamsSerializer,
    ClipEditRequestSerializer,
    ClipFilterSerializer,
    ClipRequestSerializer,
    ClipRunSerializer,
    ClipSerializer,
    CompilationRequestSerializer,
    CompilationSerializer,
    MusicTrackSerializer,
    MusicUploadSerializer,
)
from clips.models import Clip, ClipRun, Compilation, MusicTrack, breakdown_parts
from clips.selection import ClipOptions
from media_jobs import uploads
from media_jobs.api.views import LimitedMultipartUpload
from media_jobs.hooks import visible_videos
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Video
from reelremix.api_errors import PayloadTooLarge
from search.api.serializers import HitSerializer


@extend_schema(
    request=ClipRequestSerializer,
    responses={202: ClipRunSerializer, 400: OpenApiResponse(description="bad options"),
               402: OpenApiResponse(description="not in the plan, or over quota"),
               404: OpenApiResponse(description="no such video"),
               409: OpenApiResponse(description="the video's moderation has not finished")},
)  # fmt: skip
@api_view(["POST"])
def start_clips(request: Request, video_id: int) -> Response:
    """Make clips of a video: the best `count` windows of `min_seconds` to `max_seconds`, or one clip
    around the second `at`, rendered in each of `aspects`. Answers 202 with the run and its job."""
    video = get_object_or_404(visible_videos(Video.objects.all()), id=video_id)
    form = ClipRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    options = services.check_options(
        video, data["min_seconds"], data["max_seconds"], data["count"], data["aspects"]
    )
    run = services.do_start_clips(
        video, cast(User, request.user), options, data["aspects"], data["captions"], data.get("at")
    )
    run = ClipRun.objects.select_related("job").get(pk=run.pk)
    return Response(ClipRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ClipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Clip]):
    """Clips of this tenant's videos, best first. Filters: `video`, `min_score`, `safe_to_post`,
    `min_seconds`, `max_seconds`; `q` finds clips that say something by meaning or by words."""

    serializer_class = ClipSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Clip]:
        clips = queries.visible_clips().prefetch_related("renditions", "edits__user")
        return clips.order_by("-score", "-id")

    @extend_schema(parameters=[ClipFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = ClipFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        clips = queries.filtered(self.get_queryset(), params.validated_data)
        found: Any = (
            queries.matching(clips, params.validated_data["q"]) if "q" in params.validated_data else clips
        )
        page = self.paginate_queryset(found)
        return self.get_paginated_response(ClipSerializer(page, many=True).data)

    @extend_schema(
        request=ClipEditRequestSerializer,
        responses={202: ClipSerializer, 400: OpenApiResponse(description="bad span"),
                   402: OpenApiResponse(description="not in the plan, or over quota")},
    )  # fmt: skip
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Move the clip's in and out points (snapped to the nearest words) and render it again."""
        clip = self.get_object()
        form = ClipEditRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.do_edit_clip(clip.pk, cast(User, request.user), form.validated_data["start"],
                              form.validated_data["end"])  # fmt: skip
        return Response(
            ClipSerializer(self.get_queryset().get(pk=clip.pk)).data, status=status.HTTP_202_ACCEPTED
        )


@extend_schema(
    parameters=[CandidateParamsSerializer], responses={200: OpenApiResponse(description="candidates")}
)
@api_view(["GET"])
def clip_candidates(request: Request) -> Response:
    """Search results as clip candidates: for each moment that matches `q`, the window a clip of it would
    take (snapped to the sentences around it) and how it would score. POST `at` to the video's clips to
    make one."""
    params = CandidateParamsSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    options = ClipOptions(data["min_seconds"], data["max_seconds"], 1)
    found = queries.candidates(data["q"], options, data["limit"], data.get("video"))
    results = [
        {"video": c.hit.segment.video_id, "start": round(c.clip.start, 3), "end": round(c.clip.end, 3),
         "text": c.clip.text, "score": c.clip.score, "safe_to_post": c.clip.safe_to_post,
         "breakdown": breakdown_parts(c.clip.breakdown()),
         "hit": HitSerializer(c.hit).data}
        for c in found
    ]  # fmt: skip
    return Response({"query": data["q"], "results": results})


class CompilationViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Compilation],
):
    """Clips joined into one video, in the order given, with crossfades and optional music."""

    serializer_class = CompilationSerializer

    def get_queryset(self) -> QuerySet[Compilation]:
        return Compilation.objects.select_related("job").prefetch_related("items")

    @extend_schema(
        request=CompilationRequestSerializer,
        responses={202: CompilationSerializer, 400: OpenApiResponse(description="bad clips or options"),
                   402: OpenApiResponse(description="not in the plan, or over quota")},
    )  # fmt: skip
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = CompilationRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        compilation = compilations.do_create_compilation(
            cast(User, request.user), data["title"], data["clips"], data["aspect"], data["crossfade"],
            data["music"],
        )  # fmt: skip
        return Response(
            CompilationSerializer(self.get_queryset().get(pk=compilation.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class MusicViewSet(
    LimitedMultipartUpload,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet[MusicTrack],
):
    """Background music for compilations: POST a multipart `file` (MP3, AAC, WAV...)."""

    serializer_class = MusicTrackSerializer
    queryset = MusicTrack.objects.all()

    def upload_limit(self) -> int:
        return compilations.MAX_MUSIC_BYTES

    @extend_schema(
        request={"multipart/form-data": MusicUploadSerializer},
        responses={201: MusicTrackSerializer, 400: OpenApiResponse(description="not audio"),
                   413: OpenApiResponse(description="too large")},
    )  # fmt: skip
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if uploads.upload_too_large(request._request):
            raise PayloadTooLarge(uploads.too_large_message(compilations.MAX_MUSIC_BYTES))
        form = MusicUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            track = compilations.do_add_music(
                cast(User, request.user),
                uploads.temporary_path(upload),
                upload.name,
                form.validated_data["title"],
            )
        except UnplayableMedia as error:
            raise ValidationError({"file": [str(error)]}) from None
        return Response(MusicTrackSerializer(track).data, status=status.HTTP_201_CREATED)
