"""The retention sweep, run by a real Dramatiq worker's scheduler, on local disk and on an S3-protocol
server: expired originals and intermediate files are gone from storage and database; outputs, young files,
held videos, videos under moderation and another tenant's files are untouched; a sweep that crashed after
deleting a file but before writing its row is finished by the next one."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import dramatiq
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Plan, Subscription
from media_jobs.models import Artifact, Job, Video
from moderation.models import Case
from moderation.stages import MODERATION
from tenants.models import Tenant


@pytest.fixture(params=["disk", "s3"])
def storage(request):
    """The site's media on local disk, then on the S3-protocol server."""
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


@pytest.fixture
def on_plan(committed_db):
    """`on_plan(tenant, days)` moves the tenant to a plan keeping its files that many days (None: kept);
    the committed database is shared by the session: every tenant's plan is put back after the test."""
    before = dict(Subscription.objects.values_list("tenant_id", "plan_id"))

    def move(tenant: Tenant, days: int | None) -> None:
        plan = Plan.objects.create(
            code=f"retention-{tenant.slug}", name="Retention test",
            original_retention_days=days, intermediate_retention_days=days,
        )  # fmt: skip
        Subscription.objects.filter(tenant=tenant).update(plan=plan)

    yield move
    for tenant_id, plan_id in before.items():
        Subscription.objects.filter(tenant_id=tenant_id).update(plan_id=plan_id)
    Plan.objects.filter(code__startswith="retention-").delete()


def _video(tenant: Tenant, title: str, age_days: float, **fields: object) -> Video:
    """A moderated video made `age_days` ago: its original, frames and transcript, and a censored output."""
    with schema_context(tenant.schema_name):
        video = Video(title=title, size_bytes=5, duration=1.0, **fields)
        video.original.save("clip.mp4", ContentFile(b"video"), save=False)
        video.save()
        job = Job.objects.create(kind=MODERATION, video=video, state=Job.State.SUCCEEDED)
        for kind in (Artifact.Kind.FRAMES, "transcript", Artifact.Kind.CENSORED):
            artifact = Artifact(video=video, job=job, kind=kind)
            artifact.file.save(f"{kind}.bin", ContentFile(kind.encode()), save=False)
            artifact.save()
        made = timezone.now() - timedelta(days=age_days)
        Video.objects.filter(pk=video.pk).update(created_at=made)
        Artifact.objects.filter(video=video).update(created_at=made)
        return Video.objects.get(pk=video.pk)


def _state(tenant: Tenant, video: Video) -> tuple[bool, bool, list[str]]:
    """(original in storage, original stamped deleted, kinds of the artifacts whose file is in storage)."""
    with schema_context(tenant.schema_name):
        video.refresh_from_db()
        kinds = sorted(a.kind for a in Artifact.objects.filter(video=video) if _stored(a.file.name))
        return _stored(video.original.name), video.original_deleted_at is not None, kinds


def _stored(name: str | None) -> bool:
    return bool(name) and default_storage.exists(str(name))


def _sweep_in_a_worker(caplog) -> None:
    """Boot a real worker on the test broker: its scheduler runs every periodic task once at boot."""
    broker = dramatiq.get_broker()
    broker.flush_all()  # it runs the sweep, not messages earlier tests left
    worker = dramatiq.Worker(broker, worker_threads=1)
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while "Retention swept" not in caplog.text:
            assert "Periodic task 'sweep expired files'" not in caplog.text, caplog.text
            assert time.monotonic() < deadline, "the worker's sweep did not finish"
            time.sleep(0.1)
    finally:
        worker.stop()


def test_it_deletes_what_expired_and_keeps_the_rest(committed_db, on_plan, storage, settings, caplog):
    world = committed_db
    settings.RUN_PERIODIC_TASKS = True
    caplog.set_level(logging.INFO)
    on_plan(world.acme, 7)
    on_plan(world.globex, None)
    expired = _video(world.acme, "expired", 8)
    young = _video(world.acme, "young", 6)
    held = _video(world.acme, "held", 30, legal_hold=True, legal_hold_reason="a claim")
    moderated = _video(world.acme, "waiting", 30)
    busy = _video(world.acme, "being clipped", 30)
    crashed = _video(world.acme, "crashed mid-sweep", 9)
    other = _video(world.globex, "another tenant's", 400)
    with schema_context(world.acme.schema_name):
        Case.objects.create(video=moderated, state=Case.State.QUEUED)
        Job.objects.create(kind="clips", video=busy, state=Job.State.RUNNING)
        # A sweep that died after deleting these files from storage, before writing their rows.
        default_storage.delete(crashed.original.name)
        default_storage.delete(Artifact.objects.get(video=crashed, kind="transcript").file.name)

    _sweep_in_a_worker(caplog)

    assert _state(world.acme, expired) == (False, True, ["censored"])
    assert _state(world.acme, crashed) == (False, True, ["censored"])
    everything = ["censored", "frames", "transcript"]
    for video in (young, held, moderated, busy):
        assert _state(world.acme, video) == (True, False, everything), video.title
    assert _state(world.globex, other) == (True, False, everything)
    with schema_context(world.acme.schema_name):
        assert list(Artifact.objects.filter(video=expired).values_list("kind", flat=True)) == ["censored"]
        assert Video.objects.get(pk=expired.pk).intermediates_deleted_at is not None
    assert f"Retention in {world.acme.schema_name}: deleted 2 originals" in caplog.text
