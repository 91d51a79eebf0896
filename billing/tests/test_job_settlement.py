"""The ledger follows jobs run by a real Dramatiq worker: a finished job's minutes are committed by the
finalize stage, a failed job's are released when the worker gives it up."""

from __future__ import annotations

import dramatiq
import pytest
from django_tenants.utils import schema_context

from billing.models import UsageEntry
from media_jobs import services
from media_jobs.claims import MAX_STAGE_ATTEMPTS
from media_jobs.models import Job
from media_jobs.stages import EXTRACT
from media_jobs.tests.conftest import run_worker_until_idle


@pytest.fixture
def worker_broker(committed_db) -> dramatiq.Broker:
    broker = dramatiq.get_broker()
    broker.flush_all()
    return broker


def _entry(job: Job) -> UsageEntry:
    return UsageEntry.objects.get(job_id=job.pk, tenant__schema_name="t_acme")


def test_it_commits_the_minutes_of_a_job_the_worker_finishes(committed_db, worker_broker, short_mp4):
    with schema_context(committed_db.acme.schema_name):
        job = services.do_submit_video(committed_db.alice.user, short_mp4, "short.mp4")
    assert _entry(job).state == "reserved"
    run_worker_until_idle(worker_broker)
    with schema_context(committed_db.acme.schema_name):
        assert Job.objects.get(id=job.pk).state == Job.State.SUCCEEDED
    entry = _entry(job)
    assert entry.state == "committed" and entry.seconds == pytest.approx(2.0, abs=0.1)


def test_it_releases_the_minutes_of_a_job_the_worker_gives_up(committed_db, worker_broker, short_mp4):
    with schema_context(committed_db.acme.schema_name):
        job = services.do_submit_video(committed_db.alice.user, short_mp4, "short.mp4")
        # As if the extract stage had been started and lost its worker as often as allowed: the next
        # claim gives the job up.
        job.stages.filter(name=EXTRACT).update(attempts=MAX_STAGE_ATTEMPTS)
    run_worker_until_idle(worker_broker)
    with schema_context(committed_db.acme.schema_name):
        failed = Job.objects.get(id=job.pk)
        assert failed.state == Job.State.FAILED and "started 4 times without finishing" in failed.error
    assert _entry(job).state == "released"
