"""Quotas enforced before work starts: minutes reserved at submission (also under concurrency), released
by a failed job, committed by a finished one; 402 on the API and a message on the page."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import dramatiq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from billing import quota
from billing.errors import FeatureNotInPlan, QuotaExceeded
from billing.models import Plan, Subscription, UsageEntry
from billing.tests.conftest import post_event, put_on_plan
from billing.tests.fake_stripe import event
from conftest import client_for
from media_jobs import outcomes, services
from media_jobs.models import Job, Stage, Video
from media_jobs.stages import EXTRACT


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _api_upload(persona, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
    return _api(persona).post("/api/v1/videos/", {"file": upload})


def _submit(persona, path) -> Job:
    with schema_context(persona.tenant.schema_name):
        return services.do_submit_video(persona.user, path, path.name)


def _ledger(tenant, state=None) -> list[UsageEntry]:
    entries = UsageEntry.objects.filter(tenant=tenant)
    return list(entries.filter(state=state) if state else entries)


@pytest.fixture
def five_minute_plan(committed_db):
    """Acme on a plan of 5 processed minutes, committed (other threads must see it); restored after."""
    original = Subscription.objects.get(tenant=committed_db.acme).plan
    plan = put_on_plan(committed_db.acme, minutes_per_month=5)
    yield plan
    Subscription.objects.filter(tenant=committed_db.acme).update(plan=original)
    plan.delete()


def test_it_starts_exactly_5_of_20_concurrent_submissions(committed_db, five_minute_plan, minute_mp4):
    start, outcomes = threading.Barrier(20), []

    def submit() -> None:
        try:
            start.wait()
            outcomes.append(_submit(committed_db.alice, minute_mp4))
        except QuotaExceeded as refusal:
            outcomes.append(refusal)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refusals = [o for o in outcomes if isinstance(o, QuotaExceeded)]
    assert len(outcomes) == 20 and len(refusals) == 15
    assert {r.limit for r in refusals} == {"minutes_per_month"}
    assert "5 processed minutes" in refusals[0].message and refusals[0].upgrade_url == "/billing/"
    with schema_context(committed_db.acme.schema_name):
        job_ids = set(Job.objects.values_list("id", flat=True))
        assert len(job_ids) == 5 and Video.objects.count() == 5
    entries = _ledger(committed_db.acme)
    assert {e.job_id for e in entries} == job_ids and all(e.state == "reserved" for e in entries)


def test_it_releases_a_failed_jobs_minutes_and_commits_a_finished_one(world, short_mp4):
    put_on_plan(world.acme, minutes_per_month=1)
    failed, finished = _submit(world.alice, short_mp4), _submit(world.alice, short_mp4)
    with schema_context(world.acme.schema_name):
        outcomes.do_fail_job(failed.pk, "The detector gave up.")
        outcomes.do_finish_job(finished, {"case": "clean"})
        outcomes.do_fail_job(finished.pk, "too late")  # a finished job stays finished and billed
    states = {e.job_id: e.state for e in _ledger(world.acme)}
    assert states == {failed.pk: "released", finished.pk: "committed"}
    usage = quota.usage_of(Subscription.objects.get(tenant=world.acme))
    assert usage.seconds == pytest.approx(finished.video.duration) and usage.running_jobs == 0


def test_it_answers_402_over_quota_naming_the_limit_and_keeps_nothing(world, short_mp4, minute_mp4):
    put_on_plan(world.acme, minutes_per_month=1)
    assert _api_upload(world.alice, short_mp4).status_code == 201
    response = _api_upload(world.alice, minute_mp4)
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "quota_exceeded"
    assert error["details"] == {"limit": "minutes_per_month", "upgrade_url": "/billing/"}
    assert "1 processed minutes of the Test plan" in error["message"] and "Upgrade" in error["message"]
    with schema_context(world.acme.schema_name):
        assert Video.objects.count() == 1
    assert len(_ledger(world.acme)) == 1


def test_it_explains_an_over_quota_upload_on_the_page(world, minute_mp4):
    put_on_plan(world.acme, minutes_per_month=0)
    upload = SimpleUploadedFile("minute.mp4", minute_mp4.read_bytes())
    response = client_for(world.alice).post("/videos/upload/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert "minute.mp4: This 1.0-minute video does not fit the 0 processed minutes" in page
    assert "/billing/" in page
    with schema_context(world.acme.schema_name):
        assert not Video.objects.exists()


def test_it_limits_concurrent_jobs(world, short_mp4):
    put_on_plan(world.acme, concurrent_jobs=1)
    first = _submit(world.alice, short_mp4)
    with pytest.raises(QuotaExceeded, match="runs 1 video\\(s\\) at a time") as refused:
        _submit(world.bob, short_mp4)
    assert refused.value.limit == "concurrent_jobs"
    with schema_context(world.acme.schema_name):
        outcomes.do_finish_job(first, {})
    assert _submit(world.bob, short_mp4).pk != first.pk


def test_it_limits_storage(world, short_mp4):
    put_on_plan(world.acme, storage_bytes=short_mp4.stat().st_size + 1000)
    _submit(world.alice, short_mp4)
    with pytest.raises(QuotaExceeded, match="storage") as refused:
        _submit(world.alice, short_mp4)
    assert refused.value.limit == "storage_bytes"


def test_it_applies_the_plans_upload_limits(world, short_mp4, settings):
    put_on_plan(world.acme, max_video_seconds=1.0, max_upload_bytes=2000)
    with schema_context(world.acme.schema_name):
        limits = services.upload_limits()
    assert (limits.max_bytes, limits.max_duration) == (2000, 1.0)
    assert _api_upload(world.alice, short_mp4).status_code == 413  # cut off while streaming
    put_on_plan(world.acme, max_video_seconds=1.0)
    response = _api_upload(world.alice, short_mp4)
    assert (
        response.status_code == 400 and "your limit is 1 s" in response.json()["error"]["details"]["file"][0]
    )
    with schema_context(world.globex.schema_name):  # another tenant keeps its own plan's limits
        assert services.upload_limits().max_duration == settings.MAX_VIDEO_SECONDS


def test_it_counts_quota_per_tenant(world, short_mp4):
    put_on_plan(world.acme, minutes_per_month=0)
    with pytest.raises(QuotaExceeded):
        _submit(world.alice, short_mp4)
    assert _submit(world.charlie, short_mp4).pk  # globex is not affected by acme's plan or usage
    assert len(_ledger(world.globex)) == 1 and not _ledger(world.acme)


def _fail_payment(tenant, days_ago: float) -> None:
    failed_at = timezone.now() - timedelta(days=days_ago)
    Subscription.objects.filter(tenant=tenant).update(payment_failed_at=failed_at)


def test_it_blocks_new_jobs_after_the_grace_period_and_nothing_else(world, short_mp4, settings, fake_stripe):
    settings.BILLING_GRACE_DAYS = 7
    existing = _submit(world.alice, short_mp4)
    _fail_payment(world.acme, days_ago=6)
    assert _api_upload(world.alice, short_mp4).status_code == 201  # still in the grace period
    Subscription.objects.filter(tenant=world.acme).update(
        stripe_customer_id="cus_acme", payment_failed_at=None
    )
    eight_days_ago = int((timezone.now() - timedelta(days=8)).timestamp())
    failed = event(
        "invoice.payment_failed", {"object": "invoice", "customer": "cus_acme"}, created=eight_days_ago
    )
    assert post_event(failed).json()["state"] == "processed"  # delivered late, signed now
    refused = _api_upload(world.alice, short_mp4)
    assert refused.status_code == 402 and refused.json()["error"]["details"]["limit"] == "payment"
    assert "grace period ended" in refused.json()["error"]["message"]
    api, page = _api(world.alice), client_for(world.alice)
    assert api.get("/api/v1/videos/").json()["count"] == 2
    assert api.get(f"/videos/{existing.video_id}/original.mp4").status_code == 200
    assert page.get(f"/videos/{existing.video_id}/").status_code == 200
    assert page.get(f"/videos/{existing.video_id}/original.mp4").status_code == 200
    with schema_context(world.acme.schema_name):
        outcomes.do_finish_job(existing, {})  # running work finishes and is billed as usual
    assert {e.state for e in _ledger(world.acme)} == {"committed", "reserved"}
    assert _api_upload(world.charlie, short_mp4).status_code == 201  # other tenants unaffected


def test_it_refuses_api_tokens_of_a_plan_without_api_access(world):
    Subscription.objects.filter(tenant=world.acme).update(plan=Plan.objects.get(code="free"))
    response = _api(world.alice).get("/api/v1/videos/")
    assert response.status_code == 402
    assert response.json()["error"] == {
        "code": "feature_not_in_plan",
        "message": response.json()["error"]["message"],
        "details": {"limit": "api_access", "upgrade_url": "/billing/"},
    }
    assert client_for(world.alice).get("/").status_code == 200  # the site itself still works
    assert _api(world.charlie).get("/api/v1/videos/").status_code == 200


def test_it_refuses_features_the_plan_lacks(world):
    Subscription.objects.filter(tenant=world.acme).update(plan=Plan.objects.get(code="pro"))
    with pytest.raises(FeatureNotInPlan, match="Upscaling is not part of the Pro plan") as refused:
        quota.require_feature(world.acme.schema_name, Plan.Feature.UPSCALE)
    assert refused.value.limit == "upscale"
    quota.require_feature(world.acme.schema_name, Plan.Feature.CLIPS)  # Pro has clips


def _extract_order(schema_names: list[str]) -> list[str]:
    """Schemas in the order their jobs' extract stages were started by the worker."""
    started = []
    for schema_name in schema_names:
        with schema_context(schema_name):
            stages = Stage.objects.filter(name=EXTRACT, started_at__isnull=False)
            started += [(at, schema_name) for at in stages.values_list("started_at", flat=True)]
    return [schema_name for _, schema_name in sorted(started)]


def test_it_runs_a_priority_plans_work_ahead_of_a_backlog(committed_db, short_mp4):
    world, broker = committed_db, dramatiq.get_broker()
    broker.flush_all()
    Subscription.objects.filter(tenant=world.globex).update(plan=Plan.objects.get(code="pro"))
    for _ in range(3):
        _submit(world.charlie, short_mp4)  # Pro: the standard queues, first in line
    _submit(world.alice, short_mp4)  # Agency: the priority queues, last in line
    schemas = [world.acme.schema_name, world.globex.schema_name]
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        deadline = time.monotonic() + 120
        while len(order := _extract_order(schemas)) < 4:
            assert time.monotonic() < deadline, f"extracts started: {order}"
            time.sleep(0.1)
    finally:
        worker.stop()
        broker.flush_all()
    # One worker thread: at most the standard message already taken runs before the priority one.
    assert order.index(world.acme.schema_name) <= 1, order
