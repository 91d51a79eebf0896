"""Serve stored media to logged-in users of the tenant, with HTTP Range support so players can seek."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

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
    """The whole file, or the requested byte range (206) for video players."""
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
