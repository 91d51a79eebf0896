"""Who runs a stage. A worker claims a queued stage with a token; every later write of that run (progress,
heartbeat, outcome, release) is conditional on the token, so a run whose stage was taken from it (its
worker stopped answering, or handed it back on shutdown) changes nothing when it wakes up."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from media_jobs.dispatch import send_stage_on_commit
from media_jobs.models import Job, Stage
from reelremix.errors import PermanentJobError

logger = logging.getLogger(__name__)

# Runs started before the job is given up: the first, then Dramatiq's retries (3) or takeovers after
# worker deaths. A stage that kills its worker every time (out of memory on this video) fails the job.
MAX_STAGE_ATTEMPTS = 4
LIVE_JOB_STATES = (Job.State.QUEUED, Job.State.RUNNING)


class StageTakenOver(Exception):
    """This run's claim is gone: the stage was handed back or given to another worker."""


@dataclass(frozen=True)
class Claim:
    """One run of one stage: enough to find it again from another thread (heartbeats, shutdown)."""

    schema_name: str
    stage_id: int
    token: uuid.UUID


def worker_identity() -> str:
    """host:pid, for the stage row (an operator can find the process that runs it)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_stage(job_id: int, name: str) -> Stage | None:
    """Move a queued stage to running under a new token; None: nothing to do (a redelivered message for
    a stage that runs elsewhere, already ran, waits for its inputs, or belongs to an ended job)."""
    now, token = timezone.now(), uuid.uuid4()
    queued = Stage.objects.filter(
        job_id=job_id, name=name, state=Stage.State.QUEUED, job__state__in=LIVE_JOB_STATES
    )
    claimed = queued.update(
        state=Stage.State.RUNNING, claim=token, claimed_by=worker_identity(), attempts=F("attempts") + 1,
        started_at=now, heartbeat_at=Now(),
    )  # fmt: skip
    if claimed != 1:
        return None
    Job.objects.filter(id=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=Coalesce(F("started_at"), now)
    )
    stage = Stage.objects.select_related("job").get(job_id=job_id, name=name)
    if stage.attempts > MAX_STAGE_ATTEMPTS:
        last = f" The last attempt: {stage.error}" if stage.error else ""
        label = stage.get_name_display()
        raise PermanentJobError(
            f"The '{label}' step was started {MAX_STAGE_ATTEMPTS} times without finishing.{last}"
        )
    return stage


def release_stage(stage: Stage, error: BaseException, message_id: str) -> None:
    """Put a stage that failed for a passing reason back in the queue, waiting for Dramatiq's retry of
    `message_id` (the message that delivered it: the retry keeps its id)."""
    Stage.objects.filter(id=stage.pk, state=Stage.State.RUNNING, claim=stage.claim).update(
        state=Stage.State.QUEUED, claim=None, message_id=message_id, queued_at=Now(),
        error=f"{type(error).__name__}: {error}"[:2000],
    )  # fmt: skip


def _unclaim(claim: Claim, reason: str, *, counts: bool) -> Stage | None:
    """Take the stage from this claim and queue it again with a new message; None if the claim is gone."""
    mine = Stage.objects.filter(id=claim.stage_id, state=Stage.State.RUNNING, claim=claim.token)
    stage = mine.select_for_update().first()
    if stage is None:
        return None
    # A hand-back on a clean shutdown is not the stage's fault: that run does not count as an attempt.
    attempts = F("attempts") if counts else F("attempts") - 1
    mine.update(error=reason[:2000], fraction=0.0, attempts=attempts)
    send_stage_on_commit(stage.job_id, stage.name)
    _job_waits_if_idle(stage.job_id)
    return stage


def _job_waits_if_idle(job_id: int) -> None:
    """A job with no stage running is queued: it waits for a worker, nobody is working on it."""
    if not Stage.objects.filter(job_id=job_id, state=Stage.State.RUNNING).exists():
        Job.objects.filter(id=job_id, state=Job.State.RUNNING).update(state=Job.State.QUEUED)


@transaction.atomic
def do_settle_job_of(claim: Claim) -> None:
    """Once the worker that held `claim` has stopped: its job, if none of its stages runs any more (a
    stage may have finished after its sibling was handed back), waits for a worker."""
    job_id = Stage.objects.filter(id=claim.stage_id).values_list("job_id", flat=True).first()
    if job_id is not None:
        _job_waits_if_idle(job_id)


@transaction.atomic
def do_hand_back_stage(claim: Claim) -> bool:
    """A worker that stops gracefully gives its stage back at once, for another worker; True if it did."""
    reason = f"Handed back by {worker_identity()} as it stopped; run again from the start."
    return _unclaim(claim, reason, counts=False) is not None


@transaction.atomic
def do_requeue_stalled_stage(claim: Claim, silent_since: str) -> str:
    """Queue again a stage whose worker stopped answering, unless it has had its attempts. Returns
    "requeued", "exhausted" (the caller fails the job) or "" (the claim moved on meanwhile)."""
    stage = Stage.objects.filter(id=claim.stage_id, state=Stage.State.RUNNING, claim=claim.token).first()
    if stage is None:
        return ""
    if stage.attempts >= MAX_STAGE_ATTEMPTS:
        return "exhausted"
    who = stage.claimed_by or "its worker"
    _unclaim(claim, f"{who} stopped responding (last sign of life {silent_since}); run again.", counts=True)
    logger.warning("Stage %s of job %s: %s stopped responding; queued again", stage.name, stage.job_id, who)
    return "requeued"
