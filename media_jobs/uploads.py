"""Upload handling shared by the page and the API: stop oversized uploads while they stream."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from media_jobs.media.types import UnplayableMedia


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading the request body once the upload passes `limit` bytes, so a huge upload never
    fills the disk; the view sees `request.upload_too_large` and answers 413."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit, self.received = limit, 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length > self.limit + 64 * 1024:  # multipart overhead is a few hundred bytes
            self._too_large()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit or getattr(self.request, "upload_too_large", False):
            self._too_large()
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _too_large(self) -> None:
        self.request.upload_too_large = True  # type: ignore[union-attr]


def limit_upload_size(request: HttpRequest, limit: int) -> None:
    """Install the size limit; call before anything reads request.FILES / request.data."""
    request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, limit))


def upload_too_large(request: HttpRequest) -> bool:
    return bool(getattr(request, "upload_too_large", False))


def too_large_message(limit: int) -> str:
    return f"The file is larger than your upload limit of {limit / 1024**3:.1f} GB."


def temporary_path(upload: UploadedFile) -> Path:
    """Where Django streamed the upload (FILE_UPLOAD_MAX_MEMORY_SIZE = 0 keeps every upload on disk)."""
    path = getattr(upload, "temporary_file_path", None)
    if path is None:
        raise UnplayableMedia("The upload did not arrive completely; please try again.")
    return Path(path())
