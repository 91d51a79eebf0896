"""The one writer of Stage rows, and who runs a stage. A queued stage records the message meant to
deliver it. A worker claims a queued stage with a token; every later write of that run (progress,
heartbeat, outcome, release) is conditional on the token, so a run whose stage was taken from it (its
worker stopped answering, or handed it back on shutdown) changes nothing when it wakes up."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from media_jobs import jobs, registry
from media_jobs.dispatch import enqueue_on_commit, stage_message
from media_jobs.models import Job, Stage
from reelremix.errors import PermanentJobError
from tenants.context import current_schema_name

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


def create_stages(job: Job) -> None:
    """The job's stages: those without inputs queued (sent on commit), the rest waiting."""
    names = registry.stages_of(job.kind)
    Stage.objects.bulk_create(Stage(job=job, name=name) for name in names)
    for name in names:
        if not registry.inputs(name, names):
            send_stage_on_commit(job.pk, name)


def send_stage_on_commit(job_id: int, name: str) -> None:
    """Mark the job's stage `name` queued with a fresh message, and send that message on commit."""
    message = stage_message(current_schema_name(), job_id, name)
    Stage.objects.filter(job_id=job_id, name=name).update(
        state=Stage.State.QUEUED, message_id=message.message_id, queued_at=Now(), claim=None
    )
    enqueue_on_commit(message)


def do_resend_if_lost(stage_id: int, message_id: str, pending: set[str]) -> bool:
    """Send a queued stage again when the broker no longer holds its message (`pending`: what it holds)."""
    if message_id in pending:
        return False
    with transaction.atomic():
        lost = (
            Stage.objects.select_for_update(skip_locked=True)
            .filter(id=stage_id, state=Stage.State.QUEUED, message_id=message_id)
            .first()
        )
        if lost is None:
            return False  # claimed or sent again meanwhile
        send_stage_on_commit(lost.job_id, lost.name)
    return True


def _queued(job_id: int, name: str) -> QuerySet[Stage]:
    """The job's stage `name`, while it waits in the queue and its job is live: what a message may claim."""
    return Stage.objects.filter(
        job_id=job_id, name=name, state=Stage.State.QUEUED, job__state__in=LIVE_JOB_STATES
    )


@transaction.atomic
def _pass_on(job_id: int, name: str) -> None:
    """Send a queued stage's message again, for another worker: this process is stopping."""
    if _queued(job_id, name).select_for_update().exists():
        send_stage_on_commit(job_id, name)
        logger.info("Stage %s of job %s sent again: this worker is stopping", name, job_id)


def worker_identity() -> str:
    """host:pid, for the stage row (an operator can find the process that runs it)."""
    return f"{socket.gethostname()}:{os.getpid()}"


# Set once this worker process begins to stop. Dramatiq's idle threads still take a message each after
# that, and its consumers still fetch: among them the messages of the stages this process just handed back.
_stopping = threading.Event()


def stop_claiming() -> None:
    """From now on this process claims no stage: a stage message it still takes is sent again, for another
    worker, so that a stage handed back on shutdown is not taken up again by the stopping process."""
    _stopping.set()


def stopping() -> bool:
    """Whether this process has stopped claiming stages (its worker is stopping)."""
    return _stopping.is_set()


def start_claiming() -> None:
    """The stopping worker's threads have ended: the process may claim stages again (the tests run stages
    in their own process after an in-process worker stopped)."""
    _stopping.clear()


def claim_stage(job_id: int, name: str) -> Stage | None:
    """Move a queued stage to running under a new token; None: nothing to do (a redelivered message for
    a stage that runs elsewhere, already ran, waits for its inputs, or belongs to an ended job, or this
    process is stopping)."""
    if stopping():
        _pass_on(job_id, name)
        return None
    now, token = timezone.now(), uuid.uuid4()
    claimed = _queued(job_id, name).update(
        state=Stage.State.RUNNING, claim=token, claimed_by=worker_identity(), attempts=F("attempts") + 1,
        started_at=now, heartbeat_at=Now(),
    )  # fmt: skip
    if claimed != 1:
        return None
    jobs.mark_job_running(job_id)
    stage = Stage.objects.select_related("job").get(job_id=job_id, name=name)
    if stage.attempts > MAX_STAGE_ATTEMPTS:
        last = f" The last attempt: {stage.error}" if stage.error else ""
        label = registry.stage_label(name)
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
    jobs.job_waits_if_idle(stage.job_id)
    return stage


@transaction.atomic
def do_settle_job_of(claim: Claim) -> None:
    """Once the worker that held `claim` has stopped: its job, if none of its stages runs any more (a
    stage may have finished after its sibling was handed back), waits for a worker."""
    job_id = Stage.objects.filter(id=claim.stage_id).values_list("job_id", flat=True).first()
    if job_id is not None:
        jobs.job_waits_if_idle(job_id)


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


def record_outcome(stage: Stage, metrics: dict[str, Any], *, skipped: bool) -> bool:
    """The stage finished under its claim; False when the claim was lost meanwhile (nothing written)."""
    mine = Stage.objects.filter(id=stage.pk, state=Stage.State.RUNNING, claim=stage.claim)
    return bool(
        mine.update(
            state=Stage.State.SKIPPED if skipped else Stage.State.SUCCEEDED,
            fraction=1.0, finished_at=timezone.now(), claim=None, error="", metrics=metrics,
        )
    )  # fmt: skip


def record_fraction(stage: Stage, fraction: float) -> None:
    """Progress within the stage, which is also a sign of life; StageTakenOver if the claim is gone."""
    mine = Stage.objects.filter(id=stage.pk, state=Stage.State.RUNNING, claim=stage.claim)
    if not mine.update(fraction=fraction, heartbeat_at=Now()):
        raise StageTakenOver(f"stage {stage.pk} is no longer claimed by this run")


def stamp_heartbeats(claims: list[Claim]) -> int:
    """Stamp the stages still held under these claims (one schema); returns how many."""
    return Stage.objects.filter(
        id__in=[c.stage_id for c in claims], claim__in=[c.token for c in claims], state=Stage.State.RUNNING
    ).update(heartbeat_at=Now())  # the database's clock: recovery compares with it


def fail_unfinished_stages(job_id: int, reason: str) -> None:
    """The job failed: every stage it had not done fails with the job's reason."""
    unfinished = Stage.objects.filter(job_id=job_id).exclude(state__in=Stage.DONE_STATES)
    unfinished.update(state=Stage.State.FAILED, error=reason[:2000])
