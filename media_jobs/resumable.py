"""Resumable uploads: the state behind the tus protocol (media_jobs/api/resumable.py speaks it over HTTP),
and the end of every resumable upload, tus or direct to S3 (media_jobs.direct_upload): cancelled or expired.

An upload is created with its length, receives its bytes in chunks at the offset it has reached, and when
the last byte arrives it is submitted exactly as a one-request upload is (`services.do_submit_video`: the
same probe, limits and quota), then its part file is removed. A dropped connection costs at most the chunk
in flight: the client asks for the offset and goes on from there.

One writer at a time: a chunk is written under a lock on the upload's row, so two clients resuming the same
upload cannot interleave; the second is told the offset moved (409) and asks again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from billing.errors import BillingRefusal
from media_jobs import direct_upload, services, uploads
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Upload
from tenants.context import current_schema_name, in_each_tenant

logger = logging.getLogger(__name__)

BLOCK = 1024 * 1024  # bytes read from the request and written at a time


def part_path(upload: Upload) -> Path:
    return Path(settings.UPLOAD_PARTS_DIR) / current_schema_name() / f"{upload.uid}.part"


def do_create(user: User, length: int, filename: str, title: str = "") -> Upload:
    """A new upload of `length` bytes (refused at once if the file could never be accepted)."""
    uploads.check_length(length)
    upload = Upload.objects.create(user=user, length=length, filename=filename[:255], title=title[:200])
    path = part_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return upload


def do_append(upload: Upload, offset: int, body: BinaryIO, size: int) -> Upload:
    """Write `size` bytes of `body` at `offset`, the offset the upload has reached. The last chunk submits
    the video in the same transaction: if the process dies while submitting, the offset is still short of
    the end and the client sends the last chunk again. A refusal (UnplayableMedia, BillingRefusal) fails
    the upload, keeping nothing of it, and propagates."""
    try:
        with transaction.atomic():
            upload = Upload.objects.select_for_update().get(pk=upload.pk)
            _check_can_take(upload, offset, size)
            upload.offset += _write_at(part_path(upload), offset, body, size)
            upload.save(update_fields=["offset"])
            if upload.offset == upload.length:
                _submit(upload)
    except (UnplayableMedia, BillingRefusal) as err:
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.FAILED, error=uploads.refusal_text(err))
        part_path(upload).unlink(missing_ok=True)
        raise
    return upload


def _check_can_take(upload: Upload, offset: int, size: int) -> None:
    uploads.check_not_ended(upload)
    if upload.storage_key:
        raise uploads.OffsetConflict("direct_to_s3", "This upload goes to S3 directly: PUT its parts there.")
    if upload.state == Upload.State.DONE:
        raise uploads.UploadGone("upload_ended", "This upload is complete.")
    if offset != upload.offset:
        raise uploads.OffsetConflict(
            "offset_mismatch", f"The upload is at byte {upload.offset}, not {offset}: resume from there."
        )
    if size > settings.UPLOAD_MAX_CHUNK_BYTES:
        limit = settings.UPLOAD_MAX_CHUNK_BYTES
        raise uploads.UploadTooLarge("too_large", f"A chunk may carry at most {limit} bytes.")
    if offset + size > upload.length:
        raise uploads.UploadTooLarge("too_large", f"The upload was announced as {upload.length} bytes.")


def _write_at(path: Path, offset: int, body: BinaryIO, size: int) -> int:
    """Copy up to `size` bytes of `body` into the part file at `offset`; what arrived is kept even when the
    connection dropped midway (the client resumes after it). Returns the bytes written."""
    written = 0
    with path.open("r+b") as part:
        part.seek(offset)
        while written < size:
            block = body.read(min(BLOCK, size - written))
            if not block:
                break
            part.write(block)
            written += len(block)
        part.truncate()  # bytes past the offset (from a crash before the offset was saved) are not the file's
    return written


def _submit(upload: Upload) -> None:
    path = part_path(upload)
    job = services.do_submit_video(cast(User, upload.user), path, upload.filename, upload.title)
    upload.state, upload.video = Upload.State.DONE, job.video
    upload.save(update_fields=["state", "video"])
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


def do_cancel(upload: Upload) -> None:
    """The client gave up (tus termination, a direct upload's DELETE): the upload and its bytes are gone."""
    if upload.storage_key:
        direct_upload.do_cancel(upload)
        return
    part_path(upload).unlink(missing_ok=True)
    upload.delete()


def sweep_expired_uploads() -> int:
    """Remove the part files of unfinished uploads past their expiry, and the ended uploads' rows (a periodic
    task of every worker; each tenant's schema in turn). Returns how many uploads it removed."""
    removed = sum(in_each_tenant(_sweep_tenant_uploads))
    if removed:
        logger.info("Swept %d expired uploads", removed)
    return removed


def _sweep_tenant_uploads(schema_name: str) -> int:
    expired = list(Upload.objects.filter(expires_at__lte=timezone.now()))
    for upload in expired:
        do_cancel(upload)
    return len(expired)
