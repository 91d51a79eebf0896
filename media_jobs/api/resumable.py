"""Resumable uploads over HTTP: the tus protocol 1.0.0 (https://tus.io/protocols/resumable-upload), core with
the creation, expiration and termination extensions, at /api/v1/uploads/. Any tus client works (the upload
page uses tus-js-client; tests use tuspy). Authenticated like the rest of the API (a token, or the session
with its CSRF header), and only the user who created an upload sees it.

    POST   /api/v1/uploads/        Upload-Length, Upload-Metadata (filename, title)  -> 201 Location
    HEAD   /api/v1/uploads/<id>/   -> Upload-Offset, Upload-Length, Upload-Expires
    PATCH  /api/v1/uploads/<id>/   Upload-Offset, application/offset+octet-stream    -> 204 Upload-Offset
    DELETE /api/v1/uploads/<id>/   -> 204
    GET    /api/v1/uploads/<id>/   (ours) the upload as JSON: its state, its video once accepted

The last PATCH submits the video (probe, limits, quota, as POST /api/v1/videos/ does): its answer is 204, or
the refusal in the API's error shape (400 unplayable, 402 quota). HEAD and OPTIONS are the protocol's and
not in the OpenAPI schema (which has no room for them); POST, PATCH, GET and DELETE are.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, BinaryIO, cast
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from media_jobs import resumable, uploads
from media_jobs.api.serializers import UploadSerializer
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Upload
from reelremix.errors import Refusal

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,expiration,termination"
CHUNK_TYPE = "application/offset+octet-stream"


class UnsupportedVersion(Refusal):
    status = 412


class UnsupportedChunkType(Refusal):
    status = 415


class TusView(APIView):
    """What every answer of the protocol carries, and the version check of every request."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # who asks, and whether they may, first
        method = request.method or ""
        protocol = method in ("HEAD", "PATCH", "POST", "DELETE") and hasattr(self, method.lower())
        if protocol and request.headers.get("Tus-Resumable") != TUS_VERSION:  # GET and OPTIONS are ours
            raise UnsupportedVersion("tus_version", f"Send the header Tus-Resumable: {TUS_VERSION}.")

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Tus-Resumable"] = TUS_VERSION
        response["Tus-Version"] = TUS_VERSION
        response["Cache-Control"] = "no-store"
        return response

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={"Tus-Extension": TUS_EXTENSIONS, "Tus-Max-Size": str(settings.MAX_UPLOAD_BYTES)},
        )


def _metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs."""
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in header.split(","))):
        key, _, value = item.partition(" ")
        try:
            pairs[key] = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            problem = f"The value of {key!r} is not base64 text."
            raise ValidationError({"Upload-Metadata": [problem]}) from None
    return pairs


def _header_int(request: Request, name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit():
        raise ValidationError({name: ["Send this header as a whole number of bytes."]})
    return int(value)


def _expiry_headers(upload: Upload) -> dict[str, str]:
    return {"Upload-Expires": upload.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")}


UPLOAD_HEADERS = [
    OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True, enum=[TUS_VERSION]),
]
CREATE_HEADERS = [
    *UPLOAD_HEADERS,
    OpenApiParameter(
        "Upload-Length",
        {"type": "integer", "minimum": 1},
        OpenApiParameter.HEADER,
        required=True,
        description="bytes",
    ),
    OpenApiParameter(
        "Upload-Metadata", str, OpenApiParameter.HEADER, description="`filename <base64>,title <base64>`"
    ),
]

CHUNK_HEADERS = [
    *UPLOAD_HEADERS,
    OpenApiParameter(
        "Upload-Offset",
        {"type": "integer", "minimum": 0},
        OpenApiParameter.HEADER,
        required=True,
        description="where this chunk starts: the offset HEAD answered",
    ),
]


class UploadsView(TusView):
    @extend_schema(
        request=None,
        parameters=CREATE_HEADERS,
        responses={
            201: OpenApiResponse(
                description="Created: PATCH the bytes to the Location header's URL (tus 1.0.0).",
                response=None,
            ),
            412: OpenApiResponse(description="Not tus 1.0.0."),
            413: OpenApiResponse(description="Larger than the upload limit."),
        },
    )
    def post(self, request: Request) -> Response:
        """Start a resumable upload (tus 1.0.0 creation); the bytes follow by PATCH."""
        length = _header_int(request, "Upload-Length")
        metadata = _metadata(request.headers.get("Upload-Metadata", ""))
        filename = metadata.get("filename") or "video"
        upload = resumable.do_create(cast(User, request.user), length, filename, metadata.get("title", ""))
        location = request.build_absolute_uri(reverse("api-upload-detail", args=[upload.uid]))
        headers = {"Location": location, **_expiry_headers(upload)}
        return Response(status=status.HTTP_201_CREATED, headers=headers)


class UploadView(TusView):
    def _upload(self, request: Request, upload_id: UUID) -> Upload:
        return get_object_or_404(Upload.objects.filter(user=cast(User, request.user)), uid=upload_id)

    @extend_schema(exclude=True)
    def head(self, request: Request, upload_id: UUID) -> Response:
        upload = self._upload(request, upload_id)
        uploads.check_not_ended(upload)  # 410: a client starts again rather than resuming it
        headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
        return Response(headers={**headers, **_expiry_headers(upload)})

    @extend_schema(
        request={CHUNK_TYPE: {"type": "string", "format": "binary"}},
        parameters=CHUNK_HEADERS,
        responses={
            204: OpenApiResponse(description="Kept: Upload-Offset says how far the upload has come."),
            400: OpenApiResponse(description="The last chunk made a file that is not a playable video."),
            409: OpenApiResponse(
                description="Upload-Offset is not where the upload stands: HEAD, then resume."
            ),
            410: OpenApiResponse(description="The upload failed or expired: start a new one."),
            412: OpenApiResponse(description="Not tus 1.0.0."),
            413: OpenApiResponse(description="Past the announced length, or a chunk over the limit."),
        },
    )
    def patch(self, request: Request, upload_id: UUID) -> Response:
        upload = self._upload(request, upload_id)
        if request.content_type.split(";")[0].strip() != CHUNK_TYPE:
            raise UnsupportedChunkType("unsupported_media_type", f"Send the chunk as {CHUNK_TYPE}.")
        offset, size = _header_int(request, "Upload-Offset"), _header_int(request, "Content-Length")
        try:
            upload = resumable.do_append(upload, offset, cast(BinaryIO, request._request), size)
        except UnplayableMedia as err:
            raise ValidationError({"file": [str(err)]}) from None
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={"Upload-Offset": str(upload.offset), **_expiry_headers(upload)},
        )

    @extend_schema(responses={200: UploadSerializer})
    def get(self, request: Request, upload_id: UUID) -> Response:
        """Where a resumable upload stands: bytes received, state, and its video once accepted."""
        return Response(UploadSerializer(self._upload(request, upload_id)).data)

    @extend_schema(
        parameters=UPLOAD_HEADERS,
        responses={204: None, 412: OpenApiResponse(description="Not tus 1.0.0.")},
    )
    def delete(self, request: Request, upload_id: UUID) -> Response:
        """Give up an upload (tus termination): its bytes are removed."""
        resumable.do_cancel(self._upload(request, upload_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
