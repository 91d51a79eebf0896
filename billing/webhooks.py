"""Stripe's webhooks: verified with the real library, stored once per event id, applied in the order the
objects' own timestamps say (not the order they arrive in), failures recorded for a retry.

Stripe is never called while a row is locked: what an event needs from Stripe (the subscription a
Checkout made; cancelling the subscription a new one replaces) is done first, judged on an unlocked
read; then the rows are locked, the judgement re-checked, and the event applied or failed for a retry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import stripe_api
from billing.models import Plan, StripeEvent, Subscription
from billing.services import FREE_PLAN, PAID_UP_STATES, get_plan

PROCESSED, IGNORED = StripeEvent.State.PROCESSED, StripeEvent.State.IGNORED
Outcome = tuple[str, str]  # (StripeEvent state, note for the operator)


@dataclass(frozen=True)
class Fetched:
    """What Stripe said before any lock was taken: the subscription snapshot to apply, and the
    subscription it replaces that was cancelled at Stripe ('' when none)."""

    subscription: dict[str, Any] | None = None
    cancelled: str = ""


Fetcher = Callable[[dict[str, Any], datetime], Fetched]
Handler = Callable[[dict[str, Any], datetime, Fetched], Outcome]


class ChangedMeanwhile(Exception):
    """The tenant's subscription changed between the call to Stripe and the lock: retried later."""


class WebhookRefused(Exception):
    """Not a genuine, fresh Stripe event (bad signature, too old, not JSON): answered 400."""


class WebhookNotConfigured(Exception):
    """STRIPE_WEBHOOK_SECRET is not set: nothing can be verified, so nothing is accepted (503)."""


def verify_event(payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, if Stripe signed this exact payload within the library's tolerance (5 minutes)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise WebhookNotConfigured("Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET).")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except stripe.SignatureVerificationError as err:
        raise WebhookRefused(f"Signature refused: {err.user_message or err}") from err
    except ValueError as err:  # signed, but not an event we can read
        raise WebhookRefused(f"Unreadable event: {err}") from err
    values = event.to_dict()
    if not isinstance(values.get("id"), str) or not isinstance(values.get("created"), int):
        raise WebhookRefused("Unreadable event: no id or created time.")
    return values


def _at(timestamp: int | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def do_receive_event(event: dict[str, Any]) -> StripeEvent:
    """Store the event (once: its id is unique) and process it unless that was already done."""
    row, _ = StripeEvent.objects.get_or_create(
        event_id=event["id"],
        defaults={
            "type": str(event.get("type", "")),
            "payload": event,
            "created": datetime.fromtimestamp(event["created"], tz=UTC),
        },
    )
    return do_process_event(row.pk)


def do_process_event(event_pk: int) -> StripeEvent:
    """Apply a stored event, calling Stripe first with no lock held. Processed or ignored ones are left
    alone (a replay changes nothing); a failure rolls its changes back and is recorded, to be retried by
    Stripe's redelivery or the admin."""
    row = StripeEvent.objects.get(pk=event_pk)
    if row.state in (PROCESSED, IGNORED):
        return row
    obj = row.payload.get("data", {}).get("object", {})
    try:
        fetched = FETCHERS.get(row.type, _nothing_to_fetch)(obj, row.created)  # no lock held: network
    except Exception as err:  # recorded on the row like a failure to apply
        return _settle(event_pk, partial(_reraise, err))
    return _settle(event_pk, partial(HANDLERS.get(row.type, _unhandled), obj, row.created, fetched))


@transaction.atomic
def _settle(event_pk: int, apply: Callable[[], Outcome]) -> StripeEvent:
    """Under the event's lock: apply it, unless another delivery did meanwhile, and record the outcome."""
    row = StripeEvent.objects.select_for_update().get(pk=event_pk)
    if row.state in (PROCESSED, IGNORED):
        return row
    row.attempts += 1
    try:
        with transaction.atomic():
            row.state, row.note = apply()
        row.error, row.processed_at = "", timezone.now()
    except Exception as err:  # any failure is recorded on the row, whatever its type
        row.state, row.error = StripeEvent.State.FAILED, f"{type(err).__name__}: {err}"[:2000]
    row.save(update_fields=["state", "note", "attempts", "error", "processed_at"])
    return row


def _reraise(err: Exception) -> Outcome:
    raise err


def _nothing_to_fetch(obj: dict[str, Any], at: datetime) -> Fetched:
    return Fetched()


def _unhandled(obj: dict[str, Any], at: datetime, fetched: Fetched) -> Outcome:
    return IGNORED, "not an event type we act on"


def _find_subscription(obj: dict[str, Any], *, lock: bool = True) -> Subscription | None:
    """The tenant's row, by the metadata we gave Stripe, else by the customer id we stored."""
    tenant_schema = (obj.get("metadata") or {}).get("tenant") or obj.get("client_reference_id")
    rows = Subscription.objects.select_related("plan")
    rows = rows.select_for_update(of=("self",)) if lock else rows
    if tenant_schema:
        found = rows.filter(tenant__schema_name=tenant_schema).first()
        if found:
            return found
    customer = obj.get("customer")
    return rows.filter(stripe_customer_id=customer).first() if customer else None


def _plan_for(obj: dict[str, Any]) -> Plan:
    if obj.get("status") not in PAID_UP_STATES:
        return get_plan(FREE_PLAN)  # canceled, unpaid, incomplete: back to Free (data kept)
    price_id = obj["items"]["data"][0]["price"]["id"]
    plan = Plan.objects.filter(stripe_price_id=price_id).first()
    if plan is None:  # fails the event: set the plan's price in the admin, then retry it
        raise LookupError(f"No plan has the Stripe price {price_id}")
    return plan


def _stale(row: Subscription, obj: dict[str, Any], at: datetime) -> str:
    """Why this subscription snapshot must not be applied over what we hold ('' when it must)."""
    created = _at(obj.get("created"))
    if obj["id"] != row.stripe_subscription_id:
        older = row.stripe_subscription_created and created and created < row.stripe_subscription_created
        return "an older subscription than the current one" if older else ""
    if row.stripe_state_at and at < row.stripe_state_at:
        return "older than the state we hold"
    if row.status == Subscription.Status.CANCELED and obj.get("status") != Subscription.Status.CANCELED:
        return "the subscription is already canceled, which is final"
    return ""


def _period(obj: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    # Recent API versions keep the period on the subscription items; older ones on the subscription.
    item = (obj.get("items", {}).get("data") or [{}])[0]
    start = item.get("current_period_start") or obj.get("current_period_start")
    end = item.get("current_period_end") or obj.get("current_period_end")
    return _at(start), _at(end)


SNAPSHOT_FIELDS = [
    "plan", "status", "stripe_subscription_id", "stripe_subscription_created", "stripe_customer_id",
    "current_period_start", "current_period_end", "stripe_state_at", "payment_failed_at", "updated_at",
]  # fmt: skip


def _replaced(row: Subscription, obj: dict[str, Any]) -> str:
    """The subscription that applying the fresh snapshot `obj` replaces, to be cancelled at Stripe (an
    upgrade through Checkout: one subscription, not two), or ''."""
    if row.stripe_subscription_id in ("", obj["id"]) or obj.get("status") not in PAID_UP_STATES:
        return ""
    return row.stripe_subscription_id


def _cancel_replaced(row: Subscription, subscription: dict[str, Any], at: datetime) -> Fetched:
    """Cancel what the snapshot replaces, judged on an unlocked read of `row` (the locked step re-checks)."""
    replaced = "" if _stale(row, subscription, at) else _replaced(row, subscription)
    if replaced:
        _plan_for(subscription)  # an event that will fail to apply cancels nothing
        stripe_api.cancel_subscription(replaced)
    return Fetched(subscription, cancelled=replaced)


def _apply_subscription(row: Subscription, obj: dict[str, Any], at: datetime, cancelled: str) -> Outcome:
    reason = _stale(row, obj, at)
    if reason:
        return IGNORED, f"{obj['id']}: {reason}"
    replaced = _replaced(row, obj)
    if replaced and replaced != cancelled:
        raise ChangedMeanwhile(f"{obj['id']} now replaces {replaced}, not {cancelled or 'nothing'}")
    row.plan, row.status = _plan_for(obj), obj["status"]
    row.stripe_subscription_id, row.stripe_subscription_created = obj["id"], _at(obj.get("created"))
    row.stripe_customer_id = row.stripe_customer_id or str(obj.get("customer") or "")
    row.current_period_start, row.current_period_end = _period(obj)
    row.stripe_state_at = at
    if row.status == Subscription.Status.CANCELED:
        row.payment_failed_at = None  # back on Free, which owes nothing
    row.save(update_fields=SNAPSHOT_FIELDS)
    return PROCESSED, f"{row.tenant.slug}: {row.plan.code} ({row.status})"


def fetch_checkout(session: dict[str, Any], at: datetime) -> Fetched:
    """The subscription a Checkout of one of our tenants made (the event carries only its id)."""
    row = _find_subscription(session, lock=False)
    if row is None or session.get("mode") != "subscription" or not session.get("subscription"):
        return Fetched()
    subscription = stripe_api.retrieve_subscription(str(session["subscription"]))
    return _cancel_replaced(row, subscription, at)


def fetch_for_subscription_event(subscription: dict[str, Any], at: datetime) -> Fetched:
    row = _find_subscription(subscription, lock=False)
    return _cancel_replaced(row, subscription, at) if row else Fetched()


def on_checkout_completed(session: dict[str, Any], at: datetime, fetched: Fetched) -> Outcome:
    row = _find_subscription(session)
    if row is None or fetched.subscription is None:
        return IGNORED, "not a subscription checkout of a tenant of ours"
    return _apply_subscription(row, fetched.subscription, at, fetched.cancelled)


def on_subscription_event(subscription: dict[str, Any], at: datetime, fetched: Fetched) -> Outcome:
    row = _find_subscription(subscription)
    if row is None:
        return IGNORED, f"no tenant has the customer {subscription.get('customer')}"
    return _apply_subscription(row, subscription, at, fetched.cancelled)


def _invoice_row(invoice: dict[str, Any], at: datetime) -> tuple[Subscription | None, str]:
    row = _find_subscription({"customer": invoice.get("customer")})
    if row is None:
        return None, f"no tenant has the customer {invoice.get('customer')}"
    if row.invoice_state_at and at < row.invoice_state_at:
        return None, "older than the invoice state we hold"
    return row, ""


def on_invoice_paid(invoice: dict[str, Any], at: datetime, fetched: Fetched) -> Outcome:
    row, reason = _invoice_row(invoice, at)
    if row is None:
        return IGNORED, reason
    row.payment_failed_at, row.invoice_state_at = None, at
    row.latest_invoice_url = invoice.get("hosted_invoice_url") or row.latest_invoice_url
    row.save(update_fields=["payment_failed_at", "invoice_state_at", "latest_invoice_url", "updated_at"])
    return PROCESSED, f"{row.tenant.slug}: paid"


def on_payment_failed(invoice: dict[str, Any], at: datetime, fetched: Fetched) -> Outcome:
    """The grace period runs from the first failure until an invoice is paid."""
    row, reason = _invoice_row(invoice, at)
    if row is None:
        return IGNORED, reason
    row.payment_failed_at, row.invoice_state_at = row.payment_failed_at or at, at
    row.latest_invoice_url = invoice.get("hosted_invoice_url") or row.latest_invoice_url
    row.save(update_fields=["payment_failed_at", "invoice_state_at", "latest_invoice_url", "updated_at"])
    return PROCESSED, f"{row.tenant.slug}: payment failed at {row.payment_failed_at:%Y-%m-%d %H:%M}"


FETCHERS: dict[str, Fetcher] = {
    "checkout.session.completed": fetch_checkout,
    "customer.subscription.created": fetch_for_subscription_event,
    "customer.subscription.updated": fetch_for_subscription_event,
    "customer.subscription.deleted": fetch_for_subscription_event,
}
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": on_checkout_completed,
    "customer.subscription.created": on_subscription_event,
    "customer.subscription.updated": on_subscription_event,
    "customer.subscription.deleted": on_subscription_event,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_payment_failed,
}
