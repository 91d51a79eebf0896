"""Dramatiq actors of media_jobs: thin wrappers that enter the tenant's schema and call a service."""

from __future__ import annotations

import dramatiq
from django_tenants.utils import schema_context

from media_jobs import services
from media_jobs.pipeline import run_stage
from reelremix.errors import PermanentJobError

# Media work: a few retries with backoff for passing failures, an hour at most per stage.
_STAGE_OPTIONS = {
    "max_retries": 3,
    "min_backoff": 5_000,
    "max_backoff": 60_000,
    "time_limit": 3_600_000,
    "throws": (PermanentJobError,),
    "fails_job": True,
}


@dramatiq.actor(
    queue_name="default", max_retries=2, time_limit=60_000, throws=(PermanentJobError,), fails_job=True
)
def run_selfcheck(schema_name: str, job_id: int) -> None:
    """Walk a self-check job through its progress steps."""
    with schema_context(schema_name):
        services.run_selfcheck(job_id)


PRIORITY_SUFFIX = ".priority"  # the queue of a plan with priority: its own consumer, ahead in the worker
FIRST, STANDARD = 0, 10  # Dramatiq actor priority: a worker runs lower numbers first among fetched messages


def _run_stage(schema_name: str, job_id: int, stage: str) -> None:
    with schema_context(schema_name):
        run_stage(job_id, stage, _stage_functions())


def _stage_actors(queue: str, description: str) -> tuple[dramatiq.Actor, dramatiq.Actor]:  # type: ignore[type-arg]
    """The actor of a stage queue, and its twin on the priority queue (plans with priority)."""
    standard = dramatiq.actor(  # type: ignore[call-overload]
        _run_stage, actor_name=f"run_{description}_stage", queue_name=queue,
        priority=STANDARD, **_STAGE_OPTIONS,
    )  # fmt: skip
    first = dramatiq.actor(  # type: ignore[call-overload]
        _run_stage, actor_name=f"run_{description}_stage_first", queue_name=queue + PRIORITY_SUFFIX,
        priority=FIRST, **_STAGE_OPTIONS,
    )  # fmt: skip
    return standard, first


# CPU stages (extract, analyze, render, finalize) and model stages (detect, transcribe, index).
run_cpu_stage, run_cpu_stage_first = _stage_actors("default", "cpu")
run_gpu_stage, run_gpu_stage_first = _stage_actors("gpu", "gpu")


def _stage_functions():  # type: ignore[no-untyped-def]
    from media_jobs.stages import STAGE_FUNCTIONS

    return STAGE_FUNCTIONS


def stage_actor(queue: str, *, first: bool = False) -> dramatiq.Actor:  # type: ignore[type-arg]
    """The actor that runs stages of `queue`; `first`: on the priority queue, ahead of the others."""
    actors = {"gpu": (run_gpu_stage, run_gpu_stage_first), "default": (run_cpu_stage, run_cpu_stage_first)}
    return actors[queue][first]
