"""Running the stages of a job. Rows are the truth; messages carry only (schema_name, job_id, stage).
Every stage is claimed before it runs (see claims), stamped while it runs (see heartbeats), and its
outcome is recorded only under its claim, so a redelivered message or a run that lost its claim changes
nothing; stages are idempotent, so running one again after a crash is safe."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from dramatiq.middleware import CurrentMessage, Shutdown

from media_jobs.claims import Claim, StageTakenOver, claim_stage, do_hand_back_stage, release_stage
from media_jobs.dispatch import send_stage_on_commit
from media_jobs.graph import GRAPH, STAGES_OF_KIND, inputs
from media_jobs.heartbeats import keeper
from media_jobs.models import Job, Stage
from media_jobs.outcomes import do_finish_job
from media_jobs.progress import push_progress_on_commit
from reelremix.errors import PermanentJobError
from tenants.context import current_schema_name

logger = logging.getLogger(__name__)


@dataclass
class StageOutcome:
    """What a stage function returns: figures for the job page and the benchmark."""

    metrics: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False
    job_result: Any = None  # of the job's last stage: the job's result, recorded as the job succeeds


StageFunction = Callable[[Job, "StageProgress"], StageOutcome]


def create_stages(job: Job) -> None:
    """The job's stages: those without inputs queued (sent on commit), the rest waiting."""
    names = STAGES_OF_KIND[job.kind]
    Stage.objects.bulk_create(Stage(job=job, name=name) for name in names)
    for name in names:
        if not inputs(name, names):
            send_stage_on_commit(job.pk, name)


@transaction.atomic
def complete_stage(stage: Stage, outcome: StageOutcome, wall_seconds: float) -> bool:
    """Record the stage's outcome under its claim and queue every stage whose inputs are now all done.
    False: the claim was lost meanwhile (another run owns the stage), and nothing was recorded."""
    job = Job.objects.select_for_update().get(id=stage.job_id)  # serialises fan-in (detect + transcribe)
    recorded = Stage.objects.filter(id=stage.pk, state=Stage.State.RUNNING, claim=stage.claim).update(
        state=Stage.State.SKIPPED if outcome.skipped else Stage.State.SUCCEEDED,
        fraction=1.0, finished_at=timezone.now(), claim=None, error="",
        metrics={**outcome.metrics, "wall_seconds": round(wall_seconds, 3)},
    )  # fmt: skip
    if not recorded:
        return False
    stages = {s.name: s for s in job.stages.all()}
    if all(s.state in Stage.DONE_STATES for s in stages.values()):
        do_finish_job(job, outcome.job_result)  # with its last stage, in one transaction
        return True
    names = tuple(stages)
    for name in names:
        waiting = stages[name].state == Stage.State.PENDING
        if waiting and all(stages[dep].state in Stage.DONE_STATES for dep in inputs(name, names)):
            send_stage_on_commit(job.pk, name)
    update_job_progress(job, force=True)
    return True


def job_fraction(job: Job) -> float:
    """Weighted progress over the job's stages, 0..1."""
    stages = list(job.stages.all())
    total = sum(GRAPH[stage.name].weight for stage in stages) or 1
    done = 0.0
    for stage in stages:
        share = 1.0 if stage.state in Stage.DONE_STATES else stage.fraction
        done += GRAPH[stage.name].weight * share
    return done / total


def update_job_progress(job: Job, *, force: bool = False, description: str = "") -> None:
    """Store the job's overall percentage and push it to its watchers (throttled unless forced)."""
    now = timezone.now()
    if (
        not force
        and job.progress_at
        and (now - job.progress_at).total_seconds() < settings.PROGRESS_MIN_INTERVAL
    ):
        return
    job.progress_current, job.progress_total, job.progress_at = round(job_fraction(job) * 1000), 1000, now
    job.progress_description = description[:200] or job.progress_description
    job.save(update_fields=["progress_current", "progress_total", "progress_at", "progress_description"])
    push_progress_on_commit(job)


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
        mine = Stage.objects.filter(id=self.stage.pk, state=Stage.State.RUNNING, claim=self.stage.claim)
        if not mine.update(fraction=self.stage.fraction, heartbeat_at=Now()):
            raise StageTakenOver(f"stage {self.stage.pk} is no longer claimed by this run")
        label = description or self.stage.get_name_display()
        update_job_progress(self.stage.job, force=True, description=label)


def run_stage(job_id: int, name: str, functions: dict[str, StageFunction]) -> None:
    """Claim the stage, run it under heartbeats, record it and queue what follows. Passing errors
    release it for Dramatiq's retry; a worker shutting down hands it back for another worker at once."""
    stage = claim_stage(job_id, name)
    if stage is None:
        return
    assert stage.claim is not None
    claim = Claim(current_schema_name(), stage.pk, stage.claim)
    started = time.monotonic()
    with keeper.keep(claim):
        try:
            outcome = functions[name](stage.job, StageProgress(stage))
            recorded = complete_stage(stage, outcome, time.monotonic() - started)
        except StageTakenOver:
            recorded = False
        except Shutdown:  # raised in this thread by Dramatiq when the worker is asked to stop
            do_hand_back_stage(claim)
            return
        except PermanentJobError:
            raise  # Dramatiq does not retry these; the middleware fails the job with the message
        except BaseException as error:
            release_stage(stage, error, _delivering_message_id())
            raise
    if not recorded:
        logger.info("Stage %s of job %s lost its claim while it ran; its outcome was dropped", name, job_id)


def _delivering_message_id() -> str:
    message = CurrentMessage.get_current_message()
    return message.message_id if message is not None else ""
