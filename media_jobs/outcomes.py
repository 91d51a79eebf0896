"""How a job ends: succeeded with a result, or failed with a reason a user can read. Billing settles the
job's reserved minutes in the same transaction: spent when it succeeds, given back when it fails."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from billing import quota
from media_jobs import claims, jobs
from media_jobs.models import Job
from media_jobs.signals import job_finished
from tenants.context import current_schema_name


@transaction.atomic
def do_finish_job(job: Job, result: Any) -> None:
    """Mark a running job succeeded with its result and push the final state."""
    jobs.mark_job_succeeded(job, result)
    quota.do_commit_usage(current_schema_name(), job.pk)  # its reserved minutes are now spent
    job_finished.send(sender=Job, job=job)


@transaction.atomic
def do_fail_job(job_id: int, reason: str) -> None:
    """Fail an unfinished job with a reason a user can read; a finished job is left alone."""
    job = jobs.mark_job_failed(job_id, reason)
    if job is None:
        return
    claims.fail_unfinished_stages(job_id, reason)
    quota.do_release_usage(current_schema_name(), job_id)  # a failed job costs the tenant nothing
    job_finished.send(sender=Job, job=job)
