"""Direct uploads to S3 over the API (media_jobs.direct_upload): start one, get presigned URLs for its parts,
PUT the parts to S3 (not to us), complete it. GET /api/v1/uploads/<id>/ says which parts S3 holds, for a
client resuming after a dropped connection or a reload. Where media are not on S3 each answers 409
(direct_upload_unavailable): upload by the tus protocol at /api/v1/uploads/ instead."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from media_jobs import direct_upload
from media_jobs.api.serializers import UploadSerializer
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Upload

MAX_URLS = 100  # part URLs one request may ask for

UNAVAILABLE = OpenApiResponse(description="Media are not stored on S3 here: use the tus endpoint.")


class StartSerializer(serializers.Serializer[None]):
    filename = serializers.CharField(max_length=255)
    size = serializers.IntegerField(min_value=1, help_text="bytes")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PartsSerializer(serializers.Serializer[None]):
    parts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=direct_upload.MAX_PARTS),
        min_length=1, max_length=MAX_URLS, help_text="part numbers, from 1",
    )  # fmt: skip


class PartUrlsSerializer(serializers.Serializer[None]):
    urls = serializers.DictField(child=serializers.URLField(), help_text="part number -> presigned PUT URL")


def _upload(request: Request, upload_id: UUID) -> Upload:
    mine = Upload.objects.filter(user=cast(User, request.user)).exclude(storage_key="")
    return get_object_or_404(mine, uid=upload_id)


class StartView(APIView):
    @extend_schema(request=StartSerializer, responses={201: UploadSerializer, 409: UNAVAILABLE, 413: None})
    def post(self, request: Request) -> Response:
        """Start an upload straight to S3: PUT each part (`part_size` bytes, the last one shorter) to the URLs
        from .../parts/, then POST .../complete/."""
        form = StartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = direct_upload.do_start(
            cast(User, request.user), data["size"], data["filename"], data["title"]
        )
        return Response(UploadSerializer(upload).data, status=status.HTTP_201_CREATED)


class PartsView(APIView):
    @extend_schema(request=PartsSerializer, responses={200: PartUrlsSerializer, 409: UNAVAILABLE, 410: None})
    def post(self, request: Request, upload_id: UUID) -> Response:
        """Presigned URLs to PUT these parts of a direct upload to S3 (valid for MEDIA_LINK_SECONDS)."""
        upload = _upload(request, upload_id)
        form = PartsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        urls = direct_upload.part_urls(upload, form.validated_data["parts"])
        return Response({"urls": {str(number): url for number, url in urls.items()}})


class CompleteView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: UploadSerializer,
            400: OpenApiResponse(description="The file is not a playable video (it is deleted)."),
            409: OpenApiResponse(description="Parts are missing (the answer says how many S3 holds)."),
            410: None,
        },
    )
    def post(self, request: Request, upload_id: UUID) -> Response:
        """Join the parts S3 holds into the file, probe it and start its moderation, as any upload."""
        try:
            upload = direct_upload.do_complete(_upload(request, upload_id))
        except UnplayableMedia as err:
            raise ValidationError({"file": [str(err)]}) from None
        return Response(UploadSerializer(upload).data)
