"""Sending deliveries: sign, POST, record what came back, and plan the next attempt.

An attempt is claimed before it is sent: a conditional UPDATE moves a due delivery's `next_attempt_at` a
lease ahead and stamps a fresh `claim`, so of two workers (or two sweeps) only one gets it, and the
message carries that claim. PostgreSQL serialises the two UPDATEs on the row and re-checks the second's
WHERE clause, which then no longer matches. A worker that dies mid-attempt leaves the lease to run out;
the sweep (every worker, every WEBHOOKS_SWEEP_SECONDS) then claims the delivery again. Retries are driven
only by the sweep, so they survive worker restarts and a broker that lost its messages.

Signature: `ReelRemix-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>`."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import dramatiq
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from tenants.context import in_each_tenant
from webhooks.addresses import check_endpoint_url
from webhooks.models import Delivery

LEASE = timedelta(seconds=60)  # longer than any attempt (timeout per socket operation, a few operations)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
GIVE_UP_AFTER = timedelta(hours=24)  # after the first attempt
SWEEP_BATCH = 100  # due deliveries claimed per tenant per sweep
USER_AGENT = "ReelRemix-Webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ReelRemix-Signature header's value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS))


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: an HTTP status, or an error (refused, timed out, not allowed)."""

    status: int | None
    error: str
    elapsed_ms: int | None
    permanent: bool = False  # no point trying again (the endpoint is switched off)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url`: no redirects followed (a 3xx is a failed attempt), WEBHOOKS_TIMEOUT_SECONDS
    per socket operation."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(500).decode(errors="replace").strip()
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, _describe(error), round((time.monotonic() - started) * 1000))
    finally:
        connection.close()
    elapsed = round((time.monotonic() - started) * 1000)
    problem = "" if 200 <= response.status < 300 else f"HTTP {response.status} {answer[:300]}".strip()
    return Outcome(response.status, problem, elapsed)


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return f"No answer within {settings.WEBHOOKS_TIMEOUT_SECONDS:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "Connection refused"
    return f"{type(error).__name__}: {error}"[:500]


def _attempt(delivery: Delivery) -> Outcome:
    endpoint = delivery.endpoint
    if not endpoint.active:
        return Outcome(None, "The endpoint is switched off.", None, permanent=True)
    try:  # DNS may have changed since the endpoint was saved; a lookup that failed may work next time
        check_endpoint_url(endpoint.url)
    except ValidationError as error:
        return Outcome(None, " ".join(error.messages), None)
    body, timestamp = body_of(delivery), int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "ReelRemix-Event": delivery.event,
        "ReelRemix-Delivery": str(delivery.event_id),
        "ReelRemix-Signature": signature(endpoint.secret, timestamp, body),
    }
    return post(endpoint.url, body, headers)


def claim_if_due(delivery_id: int) -> uuid.UUID | None:
    """Take a due pending delivery for one attempt; None when it is not due or another worker has it."""
    now, claim = timezone.now(), uuid.uuid4()
    due = Delivery.objects.filter(id=delivery_id, state=Delivery.State.PENDING, next_attempt_at__lte=now)
    return claim if due.update(claim=claim, next_attempt_at=now + LEASE) == 1 else None


def dispatch(schema_name: str, delivery_id: int) -> bool:
    """Claim a due delivery and queue its attempt (the message carries the claim); False when not due."""
    claim = claim_if_due(delivery_id)
    if claim is None:
        return False
    # By name: the actors module imports this one.
    dramatiq.get_broker().get_actor("deliver_webhook").send(schema_name, delivery_id, str(claim))
    return True


def attempt_delivery(delivery_id: int, claim: uuid.UUID) -> Delivery.State | None:
    """Send a claimed delivery once and record the outcome; None when the claim is no longer ours (the
    message waited past its lease and the delivery was claimed again)."""
    ours = Delivery.objects.filter(id=delivery_id, claim=claim, state=Delivery.State.PENDING)
    if ours.update(next_attempt_at=timezone.now() + LEASE) != 1:  # a full lease for this attempt
        return None
    delivery = Delivery.objects.select_related("endpoint").get(id=delivery_id)
    outcome = _attempt(delivery)
    return _record(delivery, claim, outcome, timezone.now())


def _record(delivery: Delivery, claim: uuid.UUID, outcome: Outcome, now: datetime) -> Delivery.State:
    first = delivery.first_attempt_at or now
    # The last try falls at the 24 h mark; a failure then (or later) is final.
    next_at: datetime | None = min(now + retry_delay(delivery.attempts + 1), first + GIVE_UP_AFTER)
    state = Delivery.State.PENDING
    if outcome.ok:
        state, next_at = Delivery.State.SUCCEEDED, None
    elif outcome.permanent or now - first >= GIVE_UP_AFTER:
        state, next_at = Delivery.State.FAILED, None
    Delivery.objects.filter(id=delivery.pk, claim=claim).update(
        state=state, next_attempt_at=next_at, claim=None, attempts=F("attempts") + 1,
        first_attempt_at=Coalesce(F("first_attempt_at"), now), last_attempt_at=now,
        last_status_code=outcome.status, last_error=outcome.error, response_ms=outcome.elapsed_ms,
    )  # fmt: skip
    return state


def sweep_due_deliveries() -> int:
    """Queue an attempt for every due delivery of every tenant (retries, and attempts whose worker died
    or whose message was lost); how many were claimed."""
    return sum(in_each_tenant(_dispatch_due))


def _dispatch_due(schema_name: str) -> int:
    due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=timezone.now())
    ids = due.order_by("next_attempt_at").values_list("id", flat=True)[:SWEEP_BATCH]
    return sum(dispatch(schema_name, delivery_id) for delivery_id in ids)
