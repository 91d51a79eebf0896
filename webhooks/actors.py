"""Dramatiq actors of webhooks: thin wrappers that enter the tenant's schema and call a service."""

from __future__ import annotations

import uuid

import dramatiq
from django_tenants.utils import schema_context

from webhooks import sending


# A failed POST is not a failed message: its retries are planned on the row and run by the sweep. Dramatiq
# retries only what broke here (the database), within the claim's lease.
@dramatiq.actor(
    queue_name="default", max_retries=2, min_backoff=1_000, max_backoff=10_000, time_limit=120_000
)
def deliver_webhook(schema_name: str, delivery_id: int, claim: str) -> None:
    """Make one claimed attempt at a delivery."""
    with schema_context(schema_name):
        sending.attempt_delivery(delivery_id, uuid.UUID(claim))
