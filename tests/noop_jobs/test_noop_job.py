"""A job kind from an app the engine has never heard of runs through real workers like any other."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django_tenants.utils import schema_context

from media_jobs import registry, services
from media_jobs.models import Job, Stage
from tests.noop_jobs.stages import BUSY, BUSY_SECONDS, NOOP


def test_it_runs_a_job_kind_registered_by_another_app(work_queued_jobs, committed_db):
    with schema_context(committed_db.acme.schema_name):
        job = services.do_start_job(NOOP, None, committed_db.alice.user)
    work_queued_jobs()
    with schema_context(committed_db.acme.schema_name):
        done = Job.objects.get(id=job.pk)
        stages = list(Stage.objects.filter(job=done).order_by("id"))
    assert (done.state, done.result, done.percent) == (Job.State.SUCCEEDED, {"doubled": 42}, 100.0)
    assert [(s.name, s.state, s.label) for s in stages] == [
        ("noop_count", Stage.State.SUCCEEDED, "Count"),
        ("noop_double", Stage.State.SUCCEEDED, "Double"),
    ]
    assert stages[0].finished_at <= stages[1].started_at  # the second waited for the first
    assert str(done) == f"Do nothing #{done.pk}"


def test_a_process_whose_worker_stopped_claims_stages_again_with_its_next_worker(
    work_queued_jobs, committed_db
):
    # A stopping worker claims nothing more (it hands its stages to other workers); a new one claims again.
    done = []
    for _ in range(2):
        with schema_context(committed_db.acme.schema_name):
            job = services.do_start_job(NOOP, None, committed_db.alice.user)
        work_queued_jobs(timeout=30)  # starts a worker in this process, and stops it once idle
        with schema_context(committed_db.acme.schema_name):
            done.append(Job.objects.get(id=job.pk).state)
    assert done == [Job.State.SUCCEEDED, Job.State.SUCCEEDED]


def test_it_reports_a_registration_that_refers_to_no_stage():
    registry.register(
        stages=[registry.StageSpec("noop_orphan", "Orphan", lambda job, p: None, after=("nope",))]
    )
    try:
        errors = [m for m in run_checks() if m.id == "media_jobs.E001"]
    finally:
        registry.unregister(stages=["noop_orphan"])
    assert [e.msg for e in errors] == ["stage 'noop_orphan' refers to 'nope', which no app registers"]
    assert not [m for m in run_checks() if m.id == "media_jobs.E001"]


@pytest.mark.parametrize("at_once", [1, 0])
def test_exclusive_stages_take_turns_on_a_worker_with_two_threads(work_queued_jobs, committed_db, at_once):
    with schema_context(committed_db.acme.schema_name):
        job = services.do_start_job(BUSY, None, committed_db.alice.user)
    with override_settings(EXCLUSIVE_STAGES_AT_ONCE=at_once):
        work_queued_jobs(threads=2)
    with schema_context(committed_db.acme.schema_name):
        assert Job.objects.get(id=job.pk).state == Job.State.SUCCEEDED
        ran = sorted(
            (s.metrics["ran_from"], s.metrics["ran_to"], s.name) for s in Stage.objects.filter(job=job)
        )
    (_, first_ended, first), (second_began, _, _) = ran
    if at_once == 1:  # one after the other, in the order the kind lists them
        assert second_began >= first_ended and first == "noop_busy_a"
    else:  # without a limit, the worker's two threads run both at once
        assert second_began < first_ended - BUSY_SECONDS / 2
