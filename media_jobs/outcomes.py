"""How a job ends: succeeded with a result, or failed with a reason a user can read. Billing settles the
job's reserved minutes in the same transaction: spent when it succeeds, given back when it fails."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from billing import quota
from media_jobs.models import Job, Stage
from media_jobs.progress import push_progress_on_commit
from tenants.context import current_schema_name


@transaction.atomic
def do_finish_job(job: Job, result: Any) -> None:
    """Mark a running job succeeded with its result and push the final state."""
    job.state, job.result, job.finished_at = Job.State.SUCCEEDED, result, timezone.now()
    job.progress_current, job.progress_description = job.progress_total, "Done"
    job.save(update_fields=["state", "result", "finished_at", "progress_current", "progress_description"])
    quota.do_commit_usage(current_schema_name(), job.pk)  # its reserved minutes are now spent
    push_progress_on_commit(job)


@transaction.atomic
def do_fail_job(job_id: int, reason: str) -> None:
    """Fail an unfinished job with a reason a user can read; a finished job is left alone."""
    job = Job.objects.select_for_update().get(id=job_id)
    if job.is_finished:
        return
    job.state, job.error, job.finished_at = Job.State.FAILED, reason[:2000], timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])
    job.stages.exclude(state__in=Stage.DONE_STATES).update(state=Stage.State.FAILED, error=reason[:2000])
    quota.do_release_usage(current_schema_name(), job_id)  # a failed job costs the tenant nothing
    push_progress_on_commit(job)
