from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from media_jobs import retention, services, uploads
from media_jobs.api.serializers import (
    JobSerializer,
    JobSummarySerializer,
    LegalHoldSerializer,
    VideoSerializer,
    VideoSummarySerializer,
    VideoUploadSerializer,
)
from media_jobs.hooks import visible_videos
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Job, Video
from reelremix.api_errors import PayloadTooLarge


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Job]):
    """Jobs of the caller's tenant (the tenant is the host; the schema holds only its rows)."""

    def get_serializer_class(self) -> type[JobSummarySerializer]:
        return JobSummarySerializer if self.action == "list" else JobSerializer

    def get_queryset(self) -> QuerySet[Job]:
        visible = Q(video__isnull=True) | Q(video__in=visible_videos(Video.objects.all()))
        jobs = Job.objects.filter(visible)
        return jobs if self.action == "list" else jobs.prefetch_related("stages")

    @extend_schema(request=None, responses={201: JobSerializer})
    @action(detail=False, methods=["post"])
    def selfcheck(self, request: Request) -> Response:
        """Queue a self-check job that reports progress from a worker."""
        job = services.do_create_selfcheck_job(request.user)  # type: ignore[arg-type]
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)


class LimitedMultipartUpload:
    """For viewsets whose POST `create` is a multipart upload: the body is cut off past `upload_limit()` bytes
    while it streams, before authentication (a session-authenticated POST is CSRF-checked, which reads the
    body). Their other POST actions parse bodies as any view does."""

    request: Any
    action_map: dict[str, str]

    def upload_limit(self) -> int:
        raise NotImplementedError

    def _uploads(self) -> bool:
        return (
            self.request is not None
            and self.request.method == "POST"
            and self.action_map.get("post") == "create"
        )

    def get_parsers(self):  # type: ignore[no-untyped-def]
        if self._uploads():
            return [MultiPartParser()]
        return super().get_parsers()  # type: ignore[misc]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self._uploads():
            uploads.limit_upload_size(request._request, self.upload_limit())
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class VideoViewSet(
    LimitedMultipartUpload, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Video]
):
    """Videos of the caller's tenant. POST a multipart `file` to submit one for moderation."""

    def get_serializer_class(self) -> type[VideoSerializer]:
        return VideoSummarySerializer if self.action == "list" else VideoSerializer

    def get_queryset(self) -> QuerySet[Video]:
        return visible_videos(self.get_serializer_class().annotated(Video.objects.all()))

    def upload_limit(self) -> int:
        return services.upload_limits().max_bytes

    @extend_schema(request={"multipart/form-data": VideoUploadSerializer}, responses={201: VideoSerializer})
    def create(self, request: Request) -> Response:
        """Upload a video; it is probed before it is kept, then moderated in the background."""
        form = VideoUploadSerializer(data=request.data)
        if uploads.upload_too_large(request._request):
            raise PayloadTooLarge(uploads.too_large_message(services.upload_limits().max_bytes))
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            path = uploads.temporary_path(upload)
            title = form.validated_data.get("title", "")
            job = services.do_submit_video(cast(User, request.user), path, upload.name, title)
        except UnplayableMedia as err:
            raise ValidationError({"file": [str(err)]}) from None
        assert job.video_id is not None
        video = VideoSerializer.annotated(Video.objects.all()).get(pk=job.video_id)
        return Response(VideoSerializer(video).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LegalHoldSerializer, responses={200: VideoSerializer})
    @action(detail=True, methods=["post", "delete"], url_path="legal-hold")
    def legal_hold(self, request: Request, pk: str) -> Response:
        """POST `{"reason": ...}` puts the video under a legal hold (its files are kept whatever the plan's
        retention says); DELETE releases it. Owners only."""
        video = self.get_object()
        user = cast(User, request.user)
        if request.method == "DELETE":
            retention.do_release_legal_hold(video, user)
        else:
            form = LegalHoldSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            retention.do_set_legal_hold(video, user, form.validated_data["reason"])
        return Response(VideoSerializer(self.get_queryset().get(pk=video.pk)).data)
