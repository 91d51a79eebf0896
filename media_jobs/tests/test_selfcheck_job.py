"""Job lifecycle through a real worker: success, redelivery, crash recovery, failures."""

import logging

import dramatiq
from django_tenants.utils import schema_context

from media_jobs import actors, services
from media_jobs.models import Job
from media_jobs.tests.factories import make_jobs
from reelremix.errors import PermanentJobError


@dramatiq.actor(queue_name="default", max_retries=3, throws=(PermanentJobError,), fails_job=True)
def corrupt_input_job(schema_name: str, job_id: int) -> None:
    raise PermanentJobError("The file is not a playable video.")


@dramatiq.actor(queue_name="default", max_retries=1, min_backoff=10, max_backoff=10, fails_job=True)
def always_crashing_job(schema_name: str, job_id: int) -> None:
    raise RuntimeError("segfault in a codec")


def _job(tenant, job_id) -> Job:
    with schema_context(tenant.schema_name):
        return Job.objects.get(id=job_id)


def test_it_finishes_a_selfcheck_in_the_worker(work_queued_jobs, committed_db):
    with schema_context(committed_db.acme.schema_name):
        job = services.do_create_selfcheck_job(committed_db.alice.user)
    work_queued_jobs()
    done = _job(committed_db.acme, job.pk)
    assert (done.state, done.progress_current, done.percent) == (Job.State.SUCCEEDED, 5, 100.0)
    assert done.started_at <= done.finished_at


def test_it_ignores_a_redelivered_message_for_a_finished_job(work_queued_jobs, committed_db):
    with schema_context(committed_db.acme.schema_name):
        job = services.do_create_selfcheck_job(committed_db.alice.user)
    work_queued_jobs()
    first = _job(committed_db.acme, job.pk)
    actors.run_selfcheck.send(committed_db.acme.schema_name, job.pk)
    work_queued_jobs()
    again = _job(committed_db.acme, job.pk)
    assert (again.state, again.finished_at, again.result) == (first.state, first.finished_at, first.result)


def test_it_resumes_a_job_left_running_by_a_dead_worker(work_queued_jobs, committed_db):
    (job,) = make_jobs(committed_db.acme, state=Job.State.RUNNING, progress_current=2)
    actors.run_selfcheck.send(committed_db.acme.schema_name, job.pk)
    work_queued_jobs()
    assert _job(committed_db.acme, job.pk).state == Job.State.SUCCEEDED


def test_it_fails_the_job_with_the_reason_of_a_permanent_error(work_queued_jobs, committed_db):
    (job,) = make_jobs(committed_db.acme)
    corrupt_input_job.send(committed_db.acme.schema_name, job.pk)
    work_queued_jobs()
    failed = _job(committed_db.acme, job.pk)
    assert (failed.state, failed.error) == (Job.State.FAILED, "The file is not a playable video.")


def test_it_fails_the_job_when_retries_run_out(work_queued_jobs, committed_db):
    (job,) = make_jobs(committed_db.globex)
    always_crashing_job.send(committed_db.globex.schema_name, job.pk)
    work_queued_jobs()
    failed = _job(committed_db.globex, job.pk)
    assert failed.state == Job.State.FAILED
    assert failed.error == "Internal error (RuntimeError); the job was retried and gave up."


def test_it_drops_the_messages_of_a_deleted_tenant(work_queued_jobs, committed_db, caplog):
    """A tenant deleted while its jobs were queued: its schema is gone, so its messages are dropped (no
    retries against a schema that no longer exists), and the other tenants' jobs run."""
    (job,) = make_jobs(committed_db.acme)
    actors.run_selfcheck.send("t_deleted_yesterday", 41)
    actors.run_selfcheck.send(committed_db.acme.schema_name, job.pk)
    with caplog.at_level(logging.INFO, logger="media_jobs.actors"):
        work_queued_jobs()
    assert "Job 41 of t_deleted_yesterday dropped: the tenant was deleted" in caplog.text
    assert "Retrying" not in caplog.text and _job(committed_db.acme, job.pk).state == Job.State.SUCCEEDED
