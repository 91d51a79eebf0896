"""Retention: each plan keeps a video's original (`Plan.original_retention_days`) and the intermediate files
its jobs make (`intermediate_retention_days`: frames, audio, scenes, detections, transcripts) that many days;
none: kept. Outputs (the censored file here; clips, recaps and upscales in their apps' own rows) are kept
while the subscription lasts.

A periodic sweep (every worker, every RETENTION_SWEEP_SECONDS) deletes what expired, tenant by tenant, in
batches. It never touches a video under a legal hold, one with a job queued or running, or one an app holds
(`hooks.add_retention_hold`: moderation keeps a video whose case waits for a moderator). Each batch deletes
the files from storage first and then the rows (an artifact) or stamps them (a video's
`original_deleted_at`), so a crash between the two leaves rows the next sweep finds again: deleting a file
that is already gone does nothing, on local disk and on S3 alike."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from billing import quota
from billing.models import Plan
from media_jobs import direct_upload, hooks
from media_jobs.models import Artifact, Job, Video
from tenants.context import in_each_tenant

logger = logging.getLogger(__name__)

BATCH = 100  # files deleted, then rows written, at a time
SWEEP_LOCK = 7_215_661_043  # pg advisory lock key (recovery's is ...042)
KEPT_KINDS = (Artifact.Kind.CENSORED,)  # artifacts that are outputs: every other kind is intermediate


@dataclass(frozen=True)
class Swept:
    originals: int = 0
    intermediates: int = 0

    def __add__(self, other: Swept) -> Swept:
        return Swept(self.originals + other.originals, self.intermediates + other.intermediates)


@dataclass(frozen=True)
class Retention:
    """When a video's files expire (None: kept), and what retention deleted already."""

    legal_hold: bool
    original_expires_at: datetime | None
    original_deleted_at: datetime | None
    intermediates_expire_at: datetime | None
    intermediates_deleted_at: datetime | None


def sweep_expired_files() -> Swept:
    """Delete every tenant's expired originals and intermediate files (the periodic task of every worker;
    one sweeps at a time, the others find the lock taken and do nothing)."""
    with _sweep_lock() as mine:
        swept = sum(in_each_tenant(_sweep_tenant), Swept()) if mine else Swept()
    if swept.originals or swept.intermediates:
        logger.info(
            "Retention swept %d originals, %d intermediate files", swept.originals, swept.intermediates
        )
    return swept


@contextlib.contextmanager
def _sweep_lock() -> Iterator[bool]:
    """A PostgreSQL session advisory lock (batches commit one by one, so not a transaction's): whether this
    sweep holds it. A worker that dies loses its connection, and the lock with it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK])
        mine = bool(cursor.fetchone()[0])
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])


def _sweep_tenant(schema_name: str) -> Swept:
    plan = quota.subscription_for_schema(schema_name).plan  # afresh: a downgrade counts at once
    now = timezone.now()
    swept = Swept()
    if plan.intermediate_retention_days is not None:
        cutoff = now - timedelta(days=plan.intermediate_retention_days)
        swept += Swept(intermediates=_delete_intermediates(schema_name, cutoff, now))
    if plan.original_retention_days is not None:
        cutoff = now - timedelta(days=plan.original_retention_days)
        swept += Swept(originals=_delete_originals(schema_name, cutoff, now))
    return swept


def sweepable(videos: QuerySet[Video]) -> QuerySet[Video]:
    """`videos` less those kept whatever their age: held, busy with a job, or held by an app."""
    busy = Job.objects.filter(video=OuterRef("pk"), state__in=(Job.State.QUEUED, Job.State.RUNNING))
    return hooks.without_retention_holds(videos.filter(legal_hold=False).exclude(Exists(busy)))


def _delete_originals(schema_name: str, cutoff: datetime, now: datetime) -> int:
    expired = sweepable(Video.objects.filter(original_deleted_at__isnull=True, created_at__lt=cutoff))
    deleted, after = 0, 0
    while batch := list(
        expired.filter(pk__gt=after).order_by("pk").only("pk", "original", "size_bytes")[:BATCH]
    ):
        delete_files([video.original.name for video in batch if video.original.name])
        ids = [video.pk for video in batch]
        Video.objects.filter(pk__in=ids, original_deleted_at__isnull=True).update(original_deleted_at=now)
        size = sum(video.size_bytes for video in batch)
        logger.info("Retention in %s: deleted %d originals (%d bytes)", schema_name, len(batch), size)
        deleted, after = deleted + len(batch), ids[-1]
    return deleted


def _delete_intermediates(schema_name: str, cutoff: datetime, now: datetime) -> int:
    expired = intermediates(
        Artifact.objects.filter(created_at__lt=cutoff, video__in=sweepable(Video.objects.all()))
    )
    deleted, after = 0, 0
    while batch := list(expired.filter(pk__gt=after).order_by("pk").only("pk", "file", "video_id")[:BATCH]):
        delete_files([artifact.file.name for artifact in batch if artifact.file.name])
        with transaction.atomic():
            Artifact.objects.filter(pk__in=[artifact.pk for artifact in batch]).delete()
            videos = Video.objects.filter(pk__in={artifact.video_id for artifact in batch})
            videos.update(intermediates_deleted_at=now)
        logger.info("Retention in %s: deleted %d intermediate files", schema_name, len(batch))
        deleted, after = deleted + len(batch), batch[-1].pk
    return deleted


def delete_files(names: list[str]) -> None:
    """Delete stored files; one already gone is no error. On S3, one DeleteObjects request for them all
    (a sweep of 900 files on moto's server: 76 files/s with a request each, 203 batched); on disk, one by
    one (2,300 files/s)."""
    if not names:
        return
    if not direct_upload.is_on():
        for name in names:
            default_storage.delete(name)
        return
    client, bucket = direct_upload.s3_client()
    objects = [{"Key": name} for name in names]
    answer = client.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    if errors := answer.get("Errors"):
        first = errors[0]
        raise OSError(f"S3 kept {len(errors)} of {len(names)} files: {first['Key']}: {first['Message']}")


def intermediates(artifacts: QuerySet[Artifact]) -> QuerySet[Artifact]:
    return artifacts.exclude(kind__in=KEPT_KINDS)


def with_oldest_intermediate(videos: QuerySet[Video]) -> QuerySet[Video]:
    """`videos` annotated with `oldest_intermediate`: when their oldest intermediate file was made."""
    oldest = intermediates(Artifact.objects.filter(video=OuterRef("pk"))).order_by("created_at")
    return videos.annotate(oldest_intermediate=Subquery(oldest.values("created_at")[:1]))


def retention_of(video: Video, plan: Plan) -> Retention:
    """`video`'s retention under `plan` (the video annotated by `with_oldest_intermediate`)."""
    oldest: datetime | None = getattr(video, "oldest_intermediate", None)
    original_days, intermediate_days = plan.original_retention_days, plan.intermediate_retention_days
    kept = video.legal_hold
    return Retention(
        legal_hold=video.legal_hold,
        original_expires_at=None
        if kept or original_days is None or video.original_deleted_at
        else video.created_at + timedelta(days=original_days),
        original_deleted_at=video.original_deleted_at,
        intermediates_expire_at=None
        if kept or intermediate_days is None or oldest is None
        else oldest + timedelta(days=intermediate_days),
        intermediates_deleted_at=video.intermediates_deleted_at,
    )


@transaction.atomic
def do_set_legal_hold(video: Video, user: User, reason: str) -> Video:
    """Keep every file of `video` whatever the plan says, until the hold is released; who, when and why."""
    video.legal_hold, video.legal_hold_by, video.legal_hold_at = True, user, timezone.now()
    video.legal_hold_reason = reason[:200]
    video.save(update_fields=["legal_hold", "legal_hold_by", "legal_hold_at", "legal_hold_reason"])
    logger.info("Legal hold on video %d by %s: %s", video.pk, user.username, reason)
    return video


@transaction.atomic
def do_release_legal_hold(video: Video, user: User) -> Video:
    """The plan's retention applies again (a file past its days goes at the next sweep)."""
    video.legal_hold, video.legal_hold_by, video.legal_hold_at, video.legal_hold_reason = (
        False,
        user,
        timezone.now(),
        "",
    )
    video.save(update_fields=["legal_hold", "legal_hold_by", "legal_hold_at", "legal_hold_reason"])
    logger.info("Legal hold released on video %d by %s", video.pk, user.username)
    return video
