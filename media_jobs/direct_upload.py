"""Direct uploads to S3: when media are stored on S3, the browser sends a video's bytes straight to the bucket
as an S3 multipart upload, through presigned part URLs, and the web processes never carry them.

The upload is created at the key its video's original will have, parts are PUT by the client (each one
retried or resumed on its own: the client asks which parts S3 already has), and completing it makes S3 join
the parts; the file is then probed from a local copy and submitted as any upload is (limits, quota). A
refused file is deleted from the bucket. The bucket must allow the site's origin to PUT (CORS, README)."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any, cast

from botocore.exceptions import ClientError
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction

from billing.errors import BillingRefusal
from media_jobs import services, uploads
from media_jobs.media.types import UnplayableMedia
from media_jobs.models import Upload, original_key
from reelremix.errors import Refusal

MIN_PART_BYTES = 5 * 1024**2  # S3's smallest part (all but the last)
MAX_PARTS = 10_000  # S3's most parts in one upload


class DirectUploadUnavailable(Refusal):
    status = 409


def is_on() -> bool:
    """Whether media are stored on S3 (django-storages' S3Storage), where direct uploads are possible."""
    return hasattr(default_storage, "bucket_name") and hasattr(default_storage, "connection")


def s3_client() -> tuple[Any, str]:
    """boto3's S3 client of the media storage, and its bucket."""
    if not is_on():
        raise DirectUploadUnavailable(
            "direct_upload_unavailable", "Media are not stored on S3 here: upload through /api/v1/uploads/."
        )
    storage = cast(Any, default_storage)
    return storage.connection.meta.client, storage.bucket_name


def part_size(length: int) -> int:
    """Parts of UPLOAD_CHUNK_BYTES, at least S3's minimum, and larger where a file needs more than S3's
    10 000 parts."""
    return max(settings.UPLOAD_CHUNK_BYTES, MIN_PART_BYTES, math.ceil(length / MAX_PARTS))


def do_start(user: User, length: int, filename: str, title: str = "") -> Upload:
    """A multipart upload in the bucket for a file of `length` bytes (refused now if it could never be
    accepted)."""
    client, bucket = s3_client()
    uploads.check_length(length)
    upload = Upload(user=user, length=length, filename=filename[:255], title=title[:200])
    upload.storage_key = original_key(upload.uid, upload.filename)
    started = client.create_multipart_upload(Bucket=bucket, Key=upload.storage_key, ContentType="video/mp4")
    upload.multipart_id = started["UploadId"]
    upload.save()
    return upload


def part_count(upload: Upload) -> int:
    return max(1, math.ceil(upload.length / part_size(upload.length)))


def part_urls(upload: Upload, numbers: list[int]) -> dict[int, str]:
    """Presigned PUT URLs for these parts (1-based), valid for MEDIA_LINK_SECONDS."""
    uploads.check_not_ended(upload)
    client, bucket = s3_client()
    if not numbers or any(not 1 <= number <= part_count(upload) for number in numbers):
        raise Refusal("invalid", f"Part numbers run from 1 to {part_count(upload)}.")
    params = {"Bucket": bucket, "Key": upload.storage_key, "UploadId": upload.multipart_id}
    return {
        number: client.generate_presigned_url(
            "upload_part", Params={**params, "PartNumber": number}, ExpiresIn=settings.MEDIA_LINK_SECONDS
        )
        for number in numbers
    }


def parts_done(upload: Upload) -> dict[int, int]:
    """Part number -> size of the parts S3 holds (what a resuming client need not send again)."""
    if upload.state != Upload.State.RECEIVING:
        return {}
    client, bucket = s3_client()
    params = {"Bucket": bucket, "Key": upload.storage_key, "UploadId": upload.multipart_id}
    done: dict[int, int] = {}
    marker = 0
    while True:
        listed = client.list_parts(**params, PartNumberMarker=marker)
        done.update({part["PartNumber"]: part["Size"] for part in listed.get("Parts", [])})
        if not listed.get("IsTruncated"):
            return done
        marker = listed["NextPartNumberMarker"]


def do_complete(upload: Upload) -> Upload:
    """Join the parts (all of them must be there), probe the file and submit it; UnplayableMedia or
    BillingRefusal when it is refused, after which nothing of it is kept."""
    try:
        with transaction.atomic():
            upload = Upload.objects.select_for_update().get(pk=upload.pk)
            uploads.check_not_ended(upload)
            if upload.state == Upload.State.DONE:
                return upload  # completed already: asking twice is fine
            _join_parts(upload)
            _submit(upload)
    except (UnplayableMedia, BillingRefusal) as err:
        _forget(upload)
        failed = {"state": Upload.State.FAILED, "error": uploads.refusal_text(err), "multipart_id": ""}
        Upload.objects.filter(pk=upload.pk).update(**failed)
        raise
    return upload


def _join_parts(upload: Upload) -> None:
    client, bucket = s3_client()
    if _joined_size(upload) == upload.length:
        upload.multipart_id = ""  # joined by an earlier try that did not get to commit
        return
    done = parts_done(upload)
    missing = sorted(set(range(1, part_count(upload) + 1)) - set(done))
    if missing or sum(done.values()) != upload.length:
        raise uploads.OffsetConflict(
            "parts_missing", f"S3 has {len(done)} of {part_count(upload)} parts ({sum(done.values())} bytes)."
        )
    listed = client.list_parts(Bucket=bucket, Key=upload.storage_key, UploadId=upload.multipart_id)
    etags = {part["PartNumber"]: part["ETag"] for part in listed.get("Parts", [])}
    parts = [{"PartNumber": number, "ETag": etags[number]} for number in sorted(done)]
    client.complete_multipart_upload(
        Bucket=bucket, Key=upload.storage_key, UploadId=upload.multipart_id, MultipartUpload={"Parts": parts}
    )
    upload.multipart_id = ""


def _joined_size(upload: Upload) -> int | None:
    client, bucket = s3_client()
    try:
        return int(client.head_object(Bucket=bucket, Key=upload.storage_key)["ContentLength"])
    except ClientError:
        return None  # no object yet: S3 makes it when the parts are joined


def _submit(upload: Upload) -> None:
    client, bucket = s3_client()
    with tempfile.TemporaryDirectory(prefix="direct-upload-") as folder:
        copy = Path(folder) / Path(upload.storage_key).name
        client.download_file(bucket, upload.storage_key, str(copy))
        job = services.do_submit_stored_video(
            cast(User, upload.user), copy, upload.storage_key, upload.uid, upload.filename, upload.title
        )
    upload.state, upload.video = Upload.State.DONE, job.video
    upload.save(update_fields=["state", "video", "multipart_id"])


def _forget(upload: Upload) -> None:
    """Remove what S3 has of the upload: the unfinished parts, or the joined object."""
    client, bucket = s3_client()
    try:
        if upload.multipart_id:
            client.abort_multipart_upload(Bucket=bucket, Key=upload.storage_key, UploadId=upload.multipart_id)
        else:
            client.delete_object(Bucket=bucket, Key=upload.storage_key)
    except ClientError:
        pass  # gone already (a sweep, an earlier cancel)


def do_cancel(upload: Upload) -> None:
    if upload.storage_key and upload.state != Upload.State.DONE:
        _forget(upload)
    upload.delete()
