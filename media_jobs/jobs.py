"""The one writer of Job rows: created, started, progress stored (throttled) and pushed, ended. How a
job ends for billing is in media_jobs.outcomes; the stages' rows are written in media_jobs.claims."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from media_jobs.models import Job, Stage, Video
from media_jobs.progress import push_progress_on_commit


def create_job(kind: str, video: Video | None, user: User | None, progress_total: int = 1000) -> Job:
    return Job.objects.create(kind=kind, video=video, created_by=user, progress_total=progress_total)


def claim_job(job_id: int) -> Job | None:
    """Move a queued job with no stages to running; None when another worker has it or it finished."""
    now = timezone.now()
    claimed = Job.objects.filter(id=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, progress_at=now
    )
    return Job.objects.get(id=job_id) if claimed == 1 else None


def mark_job_running(job_id: int) -> None:
    """A stage of the job has started: the job runs (started_at is its first stage's start)."""
    Job.objects.filter(id=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=Coalesce(F("started_at"), timezone.now())
    )


def job_waits_if_idle(job_id: int) -> None:
    """A job with no stage running is queued: it waits for a worker, nobody is working on it."""
    if not Stage.objects.filter(job_id=job_id, state=Stage.State.RUNNING).exists():
        Job.objects.filter(id=job_id, state=Job.State.RUNNING).update(state=Job.State.QUEUED)


@transaction.atomic
def store_progress(job: Job, current: int, total: int, description: str = "", *, force: bool = False) -> bool:
    """Store the job's progress and push it to its watchers, at most once per PROGRESS_MIN_INTERVAL
    unless forced or complete; True when stored. An empty description keeps the last one."""
    now = timezone.now()
    recent = job.progress_at and (now - job.progress_at).total_seconds() < settings.PROGRESS_MIN_INTERVAL
    if recent and not force and current < total:
        return False
    job.progress_current, job.progress_total, job.progress_at = current, total, now
    job.progress_description = description[:200] or job.progress_description
    job.save(update_fields=["progress_current", "progress_total", "progress_at", "progress_description"])
    push_progress_on_commit(job)
    return True


def mark_job_succeeded(job: Job, result: Any) -> None:
    job.state, job.result, job.finished_at = Job.State.SUCCEEDED, result, timezone.now()
    job.progress_current, job.progress_description = job.progress_total, "Done"
    job.save(update_fields=["state", "result", "finished_at", "progress_current", "progress_description"])
    push_progress_on_commit(job)


def mark_job_failed(job_id: int, reason: str) -> Job | None:
    """Fail an unfinished job (locked); None when it had already finished."""
    job = Job.objects.select_for_update().get(id=job_id)
    if job.is_finished:
        return None
    job.state, job.error, job.finished_at = Job.State.FAILED, reason[:2000], timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])
    push_progress_on_commit(job)
    return job
