"""The moderation pipeline as a graph of stages. Rows are the truth; messages carry only
(schema_name, job_id, stage). Every stage is claimed before it runs, so a redelivered message for a
finished stage does nothing, and one for a stage whose worker died re-runs it (stages are idempotent)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing import quota
from media_jobs.models import Job, Stage
from media_jobs.progress import push_progress_on_commit
from reelremix.errors import PermanentJobError
from tenants.context import current_schema_name

Name = Stage.Name
MAX_STAGE_ATTEMPTS = 3  # a stage that kills its worker this often fails the job instead of looping


@dataclass(frozen=True)
class StageSpec:
    queue: str  # "default" (cpu) or "gpu"
    after: tuple[str, ...]
    weight: int  # share of the job's progress bar


GRAPH: dict[str, StageSpec] = {
    Name.EXTRACT: StageSpec("default", (), 15),
    Name.DETECT: StageSpec("gpu", (Name.EXTRACT,), 30),
    Name.TRANSCRIBE: StageSpec("gpu", (Name.EXTRACT,), 25),
    Name.ANALYZE: StageSpec("default", (Name.DETECT, Name.TRANSCRIBE), 5),
    Name.RENDER: StageSpec("default", (Name.ANALYZE,), 20),
    Name.INDEX: StageSpec("gpu", (Name.ANALYZE,), 5),
    Name.FINALIZE: StageSpec("default", (Name.RENDER, Name.INDEX), 5),
}


@dataclass
class StageOutcome:
    """What a stage function returns: figures for the job page and the benchmark."""

    metrics: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False


StageFunction = Callable[[Job, "StageProgress"], StageOutcome]


STAGES_OF_KIND: dict[str, tuple[str, ...]] = {
    Job.Kind.MODERATION: tuple(GRAPH),
    Job.Kind.RENDER: (Name.RENDER, Name.FINALIZE),  # the analysis is there: censor again after a decision
}


def _inputs(name: str, names: tuple[str, ...]) -> list[str]:
    """The stages of this job that `name` waits for (stages a job does not have are not waited for)."""
    return [dep for dep in GRAPH[name].after if dep in names]


def create_stages(job: Job) -> list[str]:
    """The job's stages: those without inputs queued, the rest waiting. Returns the queued ones."""
    names = STAGES_OF_KIND[job.kind]
    first = [name for name in names if not _inputs(name, names)]
    Stage.objects.bulk_create(
        Stage(job=job, name=name, state=Stage.State.QUEUED if name in first else Stage.State.PENDING)
        for name in names
    )
    return first


def enqueue_on_commit(job: Job, name: str) -> None:
    from media_jobs import actors  # the actors module imports this one

    schema_name = current_schema_name()
    # A plan with priority sends to the priority queue: consumed on its own, run first by the worker.
    actor = actors.stage_actor(GRAPH[name].queue, first=quota.has_priority(schema_name))
    transaction.on_commit(lambda: actor.send(schema_name, job.pk, name))


def claim_stage(job_id: int, name: str) -> Stage | None:
    """Move a queued stage to running, or take over one whose worker died; None: nothing to do."""
    now = timezone.now()
    live_job = {"job__state__in": [Job.State.QUEUED, Job.State.RUNNING]}
    queued = Stage.objects.filter(job_id=job_id, name=name, state=Stage.State.QUEUED, **live_job)
    if queued.update(state=Stage.State.RUNNING, started_at=now, attempts=F("attempts") + 1) == 1:
        Job.objects.filter(id=job_id, state=Job.State.QUEUED).update(state=Job.State.RUNNING, started_at=now)
        return Stage.objects.select_related("job").get(job_id=job_id, name=name)
    stage = Stage.objects.select_related("job").filter(job_id=job_id, name=name, **live_job).first()
    if stage is None or stage.state != Stage.State.RUNNING:
        return None  # finished, failed, not ready, or the job is over: a redelivery changes nothing
    if stage.attempts >= MAX_STAGE_ATTEMPTS:
        raise PermanentJobError(
            f"The '{stage.get_name_display()}' step stopped its worker {stage.attempts} times."
        )
    took_over = Stage.objects.filter(id=stage.pk, state=Stage.State.RUNNING, attempts=stage.attempts)
    if took_over.update(attempts=F("attempts") + 1, started_at=now) != 1:
        return None
    stage.refresh_from_db()
    return stage


def release_stage(stage: Stage, error: BaseException) -> None:
    """Put a stage that failed for a passing reason back in the queue for Dramatiq's retry."""
    Stage.objects.filter(id=stage.pk, state=Stage.State.RUNNING).update(
        state=Stage.State.QUEUED, error=f"{type(error).__name__}: {error}"[:2000]
    )


@transaction.atomic
def complete_stage(stage: Stage, outcome: StageOutcome, wall_seconds: float) -> None:
    """Record the stage's outcome and queue every stage whose inputs are now all done."""
    job = Job.objects.select_for_update().get(id=stage.job_id)  # serialises fan-in (detect + transcribe)
    stage.state = Stage.State.SKIPPED if outcome.skipped else Stage.State.SUCCEEDED
    stage.fraction, stage.finished_at = 1.0, timezone.now()
    stage.metrics = {**outcome.metrics, "wall_seconds": round(wall_seconds, 3)}
    stage.save(update_fields=["state", "fraction", "finished_at", "metrics"])
    stages = {s.name: s for s in job.stages.all()}
    names = tuple(stages)
    for name in names:
        waiting = stages[name].state == Stage.State.PENDING
        if waiting and all(stages[dep].state in Stage.DONE_STATES for dep in _inputs(name, names)):
            Stage.objects.filter(id=stages[name].pk).update(state=Stage.State.QUEUED)
            enqueue_on_commit(job, name)
    update_job_progress(job, force=True)


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
    """Handed to a stage function: report the fraction done, at most once per PROGRESS_MIN_INTERVAL."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self._last = 0.0

    def __call__(self, fraction: float, description: str = "") -> None:
        now = time.monotonic()
        if now - self._last < settings.PROGRESS_MIN_INTERVAL and fraction < 1.0:
            return
        self._last = now
        self.stage.fraction = max(0.0, min(1.0, fraction))
        self.stage.save(update_fields=["fraction"])
        label = description or self.stage.get_name_display()
        update_job_progress(self.stage.job, force=True, description=label)


def run_stage(job_id: int, name: str, functions: dict[str, StageFunction]) -> None:
    """Claim the stage, run it, record it and queue what follows. Passing errors release it for a retry."""
    stage = claim_stage(job_id, name)
    if stage is None:
        return
    started = time.monotonic()
    try:
        outcome = functions[name](stage.job, StageProgress(stage))
    except PermanentJobError:
        raise  # Dramatiq does not retry these; the middleware fails the job with the message
    except Exception as err:
        release_stage(stage, err)
        raise
    complete_stage(stage, outcome, time.monotonic() - started)
