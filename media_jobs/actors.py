"""Dramatiq actors of media_jobs: thin wrappers that enter the tenant's schema and call a service."""

from __future__ import annotations

import dramatiq
from django_tenants.utils import schema_context

from media_jobs import services
from reelremix.errors import PermanentJobError


@dramatiq.actor(
    queue_name="default", max_retries=2, time_limit=60_000, throws=(PermanentJobError,), fails_job=True
)
def run_selfcheck(schema_name: str, job_id: int) -> None:
    """Walk a self-check job through its progress steps."""
    with schema_context(schema_name):
        services.run_selfcheck(job_id)
