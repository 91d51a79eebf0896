"""Every change to endpoints and deliveries: made here, refused here when the user may not manage the
tenant's webhooks or the input is wrong. Events become deliveries in the transaction that made the event
happen, and their first attempt is queued once it commits."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from team import roles
from tenants.context import current_schema_name
from webhooks import sending
from webhooks.addresses import check_endpoint_url
from webhooks.models import PING, Delivery, Endpoint, Event

EDITABLE = {"url", "events", "description", "active"}


def may_manage(user: User | AnonymousUser) -> bool:
    """Who may change the tenant's endpoints: its owners (team.roles), as for billing."""
    return bool(user.is_authenticated and roles.allows(user, roles.Rule.OWNER))


def _require_manager(user: User | AnonymousUser) -> None:
    if not may_manage(user):
        raise PermissionDenied("Only the site's administrators manage its webhooks.")


def check_events(events: Iterable[str]) -> list[str]:
    """The subscribed events, known and without repeats; at least one."""
    chosen = list(dict.fromkeys(events))
    unknown = [name for name in chosen if name not in Event.values]
    if unknown:
        raise ValidationError(f"Unknown event {unknown[0]!r}; the events are: {', '.join(Event.values)}.")
    if not chosen:
        raise ValidationError("Choose at least one event.")
    return chosen


def new_secret() -> str:
    return f"whsec_{secrets.token_hex(24)}"


@transaction.atomic
def do_create_endpoint(
    user: User, url: str, events: Iterable[str], description: str = "", active: bool = True
) -> Endpoint:
    """A new endpoint with a new signing secret (the caller shows it once)."""
    _require_manager(user)
    return Endpoint.objects.create(
        url=check_endpoint_url(url), events=check_events(events), description=description[:200],
        active=active, secret=new_secret(), created_by=user,
    )  # fmt: skip


@transaction.atomic
def do_update_endpoint(endpoint: Endpoint, user: User, **changes: Any) -> Endpoint:
    """Change an endpoint's url, events, description or active switch (only those given)."""
    _require_manager(user)
    if set(changes) - EDITABLE:
        raise ValueError(f"not editable: {sorted(set(changes) - EDITABLE)}")
    if "url" in changes:
        changes["url"] = check_endpoint_url(changes["url"])
    if "events" in changes:
        changes["events"] = check_events(changes["events"])
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.save(update_fields=list(changes))
    return endpoint


@transaction.atomic
def do_delete_endpoint(endpoint: Endpoint, user: User) -> None:
    """Remove an endpoint with its delivery log; attempts in flight find their row gone and stop."""
    _require_manager(user)
    endpoint.delete()


def _queue_on_commit(deliveries: list[Delivery]) -> None:
    """Queue the first attempts once the event commits. Robust: a broker that is down must not fail what
    already committed (a job's end, a decision); the sweep sends those deliveries once their lease ends."""
    schema_name = current_schema_name()
    for delivery in deliveries:
        transaction.on_commit(
            lambda d=delivery.pk: sending.dispatch(schema_name, d),  # type: ignore[misc]
            robust=True,
        )


def _envelope(event: str, event_id: uuid.UUID, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(event_id), "event": event, "created": timezone.now().isoformat(), "data": data}


@transaction.atomic
def do_record_event(event: str, data: dict[str, Any]) -> list[Delivery]:
    """One delivery of the event to every active endpoint of this tenant that subscribed to it."""
    endpoints = list(Endpoint.objects.filter(active=True, events__contains=[event]))
    if not endpoints:
        return []
    event_id, now = uuid.uuid4(), timezone.now()
    payload = _envelope(event, event_id, data)
    deliveries = Delivery.objects.bulk_create(
        Delivery(endpoint=e, event=event, event_id=event_id, payload=payload, next_attempt_at=now)
        for e in endpoints
    )
    _queue_on_commit(deliveries)
    return deliveries


@transaction.atomic
def do_resend_delivery(delivery: Delivery, user: User) -> Delivery:
    """The same event (same id and body) to the same endpoint again, as a new delivery."""
    _require_manager(user)
    again = Delivery.objects.create(
        endpoint=delivery.endpoint, event=delivery.event, event_id=delivery.event_id,
        payload=delivery.payload, next_attempt_at=timezone.now(),
    )  # fmt: skip
    _queue_on_commit([again])
    return again


@transaction.atomic
def do_send_ping(endpoint: Endpoint, user: User) -> Delivery:
    """A test event to one endpoint, whatever it subscribed to."""
    _require_manager(user)
    event_id = uuid.uuid4()
    data = {"endpoint": endpoint.pk, "message": "A test event from ReelRemix."}
    ping = Delivery.objects.create(
        endpoint=endpoint, event=PING, event_id=event_id, payload=_envelope(PING, event_id, data),
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    _queue_on_commit([ping])
    return ping
