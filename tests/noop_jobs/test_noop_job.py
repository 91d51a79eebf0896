"""A job kind from an app the engine has never heard of runs through real workers like any other."""

from django.core.checks import run_checks
from django_tenants.utils import schema_context

from media_jobs import registry, services
from media_jobs.models import Job, Stage
from tests.noop_jobs.stages import NOOP


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
