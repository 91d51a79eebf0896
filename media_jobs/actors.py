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


@dramatiq.actor(queue_name="default", **_STAGE_OPTIONS)  # type: ignore[call-overload]
def run_cpu_stage(schema_name: str, job_id: int, stage: str) -> None:
    """Run a CPU stage (extract, analyze, render, finalize) of a job."""
    with schema_context(schema_name):
        run_stage(job_id, stage, _stage_functions())


@dramatiq.actor(queue_name="gpu", **_STAGE_OPTIONS)  # type: ignore[call-overload]
def run_gpu_stage(schema_name: str, job_id: int, stage: str) -> None:
    """Run a model stage (detect, transcribe, index) of a job on a gpu-queue worker."""
    with schema_context(schema_name):
        run_stage(job_id, stage, _stage_functions())


def _stage_functions():  # type: ignore[no-untyped-def]
    from media_jobs.stages import STAGE_FUNCTIONS

    return STAGE_FUNCTIONS


def stage_actor(queue: str) -> dramatiq.Actor:  # type: ignore[type-arg]
    return run_gpu_stage if queue == "gpu" else run_cpu_stage
