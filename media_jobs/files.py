"""Serve stored media: to logged-in users and tokens of the tenant, or through a signed link (links.py).
Local files are streamed with HTTP Range support so players can seek; files on S3 are a redirect to a
presigned URL that expires with the link, so media never passes through Django there."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes

from billing.api.authentication import PlanTokenAuthentication
from media_jobs.links import SignedLinkOrAuthenticated

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single-range header; None when absent or unsatisfiable."""
    match = _RANGE.match(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None
    if not match.group(1):  # suffix range: the last N bytes
        first, last = max(0, size - int(match.group(2))), size - 1
    else:
        first = int(match.group(1))
        last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
    return (first, last) if first <= last < size else None


def _chunks(field_file: FieldFile, first: int, last: int):  # type: ignore[no-untyped-def]
    with field_file.open("rb") as handle:
        handle.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data


def serve_file(request: HttpRequest, field_file: FieldFile, content_type: str) -> HttpResponseBase:
    """The whole file, or the requested byte range (206) for video players; on S3, a presigned redirect."""
    if not isinstance(field_file.storage, FileSystemStorage):
        s3: Any = field_file.storage  # django-storages' S3Storage: the only other storage settings configure
        parameters = {"ResponseContentType": content_type}
        return HttpResponseRedirect(
            s3.url(field_file.name, parameters=parameters, expire=settings.MEDIA_LINK_SECONDS)
        )
    size = field_file.size
    header = request.headers.get("Range", "")
    span = _byte_range(header, size) if header else None
    response: HttpResponseBase
    if header and span is None:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if span is None:
        response = FileResponse(field_file.open("rb"), content_type=content_type)
    else:
        first, last = span
        response = StreamingHttpResponse(
            _chunks(field_file, first, last), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    # A player may take minutes over its range: the database connection goes back to the pool now,
    # not when the last byte is out (unless a transaction still needs it).
    if not connection.in_atomic_block:
        connection.close()
    return response


_LINK_PARAMETERS = [
    OpenApiParameter("expires", int, description="from a signed link in an API answer (unix seconds)"),
    OpenApiParameter("signature", str, description="from a signed link in an API answer"),
]


def file_view(*content_types: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A GET view that serves stored files of `content_types`, opened by a session, a token, or a signed
    link (the API's file URLs are signed)."""
    responses: dict[Any, Any] = {(200, kind): OpenApiTypes.BINARY for kind in content_types}
    responses[(302, "text/plain")] = None  # files on S3: to a presigned URL

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view = permission_classes([SignedLinkOrAuthenticated])(view)
        view = authentication_classes([PlanTokenAuthentication, SessionAuthentication])(view)
        view = api_view(["GET"])(view)
        return extend_schema(responses=responses, parameters=_LINK_PARAMETERS)(view)

    return decorate
