"""Dramatiq actors of media_jobs: thin wrappers that enter the tenant's schema and call a service."""

from __future__ import annotations

import logging

import dramatiq
from django_tenants.utils import schema_context

from media_jobs import services
from media_jobs.dispatch import PRIORITY_SUFFIX, stage_actor_name
from media_jobs.pipeline import run_stage
from media_jobs.registry import QUEUES
from reelremix.errors import PERMANENT_ERRORS
from tenants.context import tenant_exists

logger = logging.getLogger(__name__)

# Media work: a few retries with backoff for passing failures, an hour at most per stage. A worker asked
# to stop interrupts its stages (notify_shutdown), which hand themselves back for another worker.
_STAGE_OPTIONS = {
    "max_retries": 3,
    "min_backoff": 5_000,
    "max_backoff": 60_000,
    "time_limit": 3_600_000,
    "throws": PERMANENT_ERRORS,
    "fails_job": True,
    "notify_shutdown": True,
    "carries_job": True,  # its second argument is a job id (reelremix.observability.messages)
}


@dramatiq.actor(
    queue_name="default",
    max_retries=2,
    time_limit=60_000,
    throws=PERMANENT_ERRORS,
    fails_job=True,
    carries_job=True,
)
def run_selfcheck(schema_name: str, job_id: int) -> None:
    """Walk a self-check job through its progress steps."""
    if _tenant_still_here(schema_name, job_id):
        with schema_context(schema_name):
            services.run_selfcheck(job_id)


FIRST, STANDARD = 0, 10  # Dramatiq actor priority: a worker runs lower numbers first among fetched messages


def _run_stage(schema_name: str, job_id: int, stage: str) -> None:
    if _tenant_still_here(schema_name, job_id):
        with schema_context(schema_name):
            run_stage(job_id, stage)


def _tenant_still_here(schema_name: str, job_id: int) -> bool:
    """A message queued before its tenant was deleted (its schema dropped) is dropped, not retried."""
    if tenant_exists(schema_name):
        return True
    logger.info("Job %d of %s dropped: the tenant was deleted", job_id, schema_name)
    return False


def _declare_stage_actors(queue: str) -> None:
    """The actor of a stage queue, and its twin on the priority queue (plans with priority)."""
    for first, queue_name, priority in ((False, queue, STANDARD), (True, queue + PRIORITY_SUFFIX, FIRST)):
        dramatiq.actor(  # type: ignore[call-overload]
            _run_stage, actor_name=stage_actor_name(queue, first=first), queue_name=queue_name,
            priority=priority, **_STAGE_OPTIONS,
        )  # fmt: skip


# One actor per queue runs every registered stage of that queue: the stage's name is in the message.
for _queue in QUEUES:
    _declare_stage_actors(_queue)
