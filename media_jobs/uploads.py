"""Upload handling shared by the page, the API and resumable uploads: stop oversized uploads while they
stream, refuse a resumable upload at once when it could never be accepted; the refusals they answer with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils import timezone

from billing import quota
from billing.errors import BillingRefusal
from media_jobs import services
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Upload
from reelremix.errors import Refusal
from tenants.context import current_schema_name


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


class UploadTooLarge(Refusal):
    status = 413


class OffsetConflict(Refusal):
    status = 409


class UploadGone(Refusal):
    """The upload ended (failed or expired): it cannot take more bytes."""

    status = 410


def check_length(length: int) -> None:
    """An announced length is refused before a byte is sent when it cannot be accepted at the end."""
    limit = services.upload_limits().max_bytes
    if length > limit:
        raise UploadTooLarge("too_large", too_large_message(limit))
    if length <= 0:
        raise Refusal("invalid", "Upload-Length must be a positive number of bytes.")
    quota.check_room_for(current_schema_name(), length)


def check_not_ended(upload: Upload) -> None:
    """UploadGone for a failed or expired upload (a finished one has its video: asking stays fine)."""
    if upload.state == Upload.State.FAILED or upload.expires_at <= timezone.now():
        raise UploadGone("upload_ended", upload.error or "This upload has ended; start it again.")


def refusal_text(err: UnplayableMedia | BillingRefusal) -> str:
    return err.message if isinstance(err, BillingRefusal) else str(err)
