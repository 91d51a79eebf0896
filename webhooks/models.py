"""Outbound webhooks: a tenant's endpoints (where to POST, which events, the signing secret) and every
delivery of an event to one of them, with where its attempts stand."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Event(models.TextChoices):
    """The events an endpoint can subscribe to."""

    JOB_SUCCEEDED = "job.succeeded", "A job succeeded"
    JOB_FAILED = "job.failed", "A job failed"
    CASE_DECIDED = "case.decided", "A moderator decided a case"
    CLIP_READY = "clip.ready", "A clip was rendered"
    RECAP_READY = "recap.ready", "A recap was rendered"


PING = "ping"  # the test event: sent on request, never subscribed to


class Endpoint(models.Model):
    """An HTTPS (or HTTP) URL of the tenant's that hears the events it subscribed to, signed with `secret`."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)  # values of Event
    # Kept in clear: every delivery is signed with it. Shown to the tenant once, when the endpoint is made.
    secret = models.CharField(max_length=80, editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One event for one endpoint. `event_id` is the receivers' idempotency key: a resend carries the same
    one. A pending delivery is due at `next_attempt_at`; `claim` marks the attempt in flight
    (webhooks.sending)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    payload = models.JSONField()  # the whole body sent: id, event, created, data
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhooks_delivery_due")]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.state})"
