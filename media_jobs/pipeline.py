"""Running the stages of a job. Rows are the truth; messages carry only (schema_name, job_id, stage).
Every stage is claimed before it runs (see claims), stamped while it runs (see heartbeats), and its
outcome is recorded only under its claim, so a redelivered message or a run that lost its claim changes
nothing; stages are idempotent, so running one again after a crash is safe."""

from __future__ import annotations

import functools
import logging
import time
from contextlib import nullcontext

from django.conf import settings
from django.db import transaction
from dramatiq.middleware import CurrentMessage, Shutdown

from media_jobs import claims, jobs, registry, turns
from media_jobs.claims import Claim, StageTakenOver
from media_jobs.heartbeats import keeper
from media_jobs.models import Job, Stage
from media_jobs.outcomes import do_finish_job
from media_jobs.registry import StageOutcome
from reelremix.errors import PERMANENT_ERRORS
from reelremix.observability import metrics
from tenants.context import current_schema_name

logger = logging.getLogger(__name__)


@transaction.atomic
def complete_stage(stage: Stage, outcome: StageOutcome, wall_seconds: float) -> bool:
    """Record the stage's outcome under its claim and queue every stage whose inputs are now all done.
    False: the claim was lost meanwhile (another run owns the stage), and nothing was recorded."""
    job = Job.objects.select_for_update().get(id=stage.job_id)  # serialises fan-in (detect + transcribe)
    metrics = {**outcome.metrics, "wall_seconds": round(wall_seconds, 3)}
    if not claims.record_outcome(stage, metrics, skipped=outcome.skipped):
        return False
    stages = {s.name: s for s in job.stages.all()}
    stages |= _stages_added_since(job, stages)
    if all(s.state in Stage.DONE_STATES for s in stages.values()):
        do_finish_job(job, outcome.job_result)  # with its last stage, in one transaction
        return True
    for name in _ready_to_queue(stages):
        claims.send_stage_on_commit(job.pk, name)
    update_job_progress(job, force=True)
    return True


def _stages_added_since(job: Job, stages: dict[str, Stage]) -> dict[str, Stage]:
    """Rows for the stages the job's kind gained after the job was created (a deploy while it ran), waiting
    as a new job's would: the job runs them too, as soon as their inputs are done."""
    missing = [name for name in registry.stages_of(job.kind) if name not in stages]
    return {row.name: row for row in Stage.objects.bulk_create(Stage(job=job, name=name) for name in missing)}


def _ready_to_queue(stages: dict[str, Stage]) -> list[str]:
    """The job's pending stages whose inputs are all done."""
    done = {name for name, stage in stages.items() if stage.state in Stage.DONE_STATES}
    pending = [name for name, stage in stages.items() if stage.state == Stage.State.PENDING]
    return [name for name in pending if set(registry.inputs(name, stages)) <= done]


def job_fraction(job: Job) -> float:
    """Weighted progress over the job's stages, 0..1."""
    stages = list(job.stages.all())
    weights = {stage.name: registry.stage(stage.name).weight for stage in stages}
    done = sum(weights[s.name] * (1.0 if s.state in Stage.DONE_STATES else s.fraction) for s in stages)
    return done / (sum(weights.values()) or 1)


@transaction.atomic
def update_job_progress(job: Job, *, force: bool = False, description: str = "") -> None:
    """Store the job's overall percentage and push it to its watchers (throttled unless forced). Under the
    job's row lock: stages running side by side store their sums in the order they computed them."""
    Job.objects.select_for_update().values_list("id", flat=True).get(id=job.pk)
    jobs.store_progress(job, round(job_fraction(job) * 1000), 1000, description, force=force)


class StageProgress:
    """Handed to a stage function: report the fraction done, at most once per PROGRESS_MIN_INTERVAL.
    Raises StageTakenOver when the run has lost its claim, which stops a run nobody waits for."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self._last = 0.0

    def __call__(self, fraction: float, description: str = "") -> None:
        now = time.monotonic()
        if now - self._last < settings.PROGRESS_MIN_INTERVAL and fraction < 1.0:
            return
        self._last = now
        self.stage.fraction = max(0.0, min(1.0, fraction))
        claims.record_fraction(self.stage, self.stage.fraction)
        label = description or registry.stage_label(self.stage.name)
        update_job_progress(self.stage.job, force=True, description=label)


def run_stage(job_id: int, name: str) -> None:
    """Claim the stage, run it under heartbeats, record it and queue what follows. Passing errors
    release it for Dramatiq's retry; a worker shutting down hands it back for another worker at once."""
    stage = claims.claim_stage(job_id, name)
    if stage is None:
        return
    assert stage.claim is not None
    claim = Claim(current_schema_name(), stage.pk, stage.claim)
    with keeper.keep(claim):
        try:
            outcome, started = _run_function(stage)
            recorded = complete_stage(stage, outcome, time.monotonic() - started)
        except StageTakenOver:
            recorded = False
        except Shutdown:  # raised in this thread by Dramatiq when the worker is asked to stop
            claims.do_hand_back_stage(claim)
            return
        except PERMANENT_ERRORS:
            metrics.count_stage_failure(name, permanent=True)
            raise  # Dramatiq does not retry these; the middleware fails the job with the message
        except BaseException as error:
            metrics.count_stage_failure(name, permanent=False)
            claims.release_stage(stage, error, _delivering_message_id())
            raise
    if recorded:
        metrics.observe_stage(name, time.monotonic() - started, skipped=outcome.skipped)
    else:
        logger.info("Stage %s of job %s lost its claim while it ran; its outcome was dropped", name, job_id)


def _run_function(stage: Stage) -> tuple[StageOutcome, float]:
    """The stage function's outcome, and when it started: an exclusive stage first waits for its turn."""
    spec, progress = registry.stage(stage.name), StageProgress(stage)
    waiting = functools.partial(progress, 0.0, f"{spec.label}: waiting for its turn")
    rank = registry.turn_rank(stage.job.kind, stage.name) if spec.exclusive else 0
    with turns.turn(waiting, rank) if spec.exclusive else nullcontext():
        started = time.monotonic()
        return spec.function(stage.job, progress), started


def _delivering_message_id() -> str:
    message = CurrentMessage.get_current_message()
    return message.message_id if message is not None else ""
