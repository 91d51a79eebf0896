"""Stripe's webhooks: verified with the real library, stored once per event id, applied in the order the
objects' own timestamps say (not the order they arrive in), failures recorded for a retry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
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
Handler = Callable[[dict[str, Any], datetime], Outcome]


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


@transaction.atomic
def do_process_event(event_pk: int) -> StripeEvent:
    """Apply a stored event. Processed or ignored ones are left alone (a replay changes nothing); a
    failure rolls its changes back and is recorded, to be retried by Stripe's redelivery or the admin."""
    row = StripeEvent.objects.select_for_update().get(pk=event_pk)
    if row.state in (PROCESSED, IGNORED):
        return row
    row.attempts += 1
    try:
        with transaction.atomic():
            obj = row.payload.get("data", {}).get("object", {})
            row.state, row.note = HANDLERS.get(row.type, _unhandled)(obj, row.created)
        row.error, row.processed_at = "", timezone.now()
    except Exception as err:  # any failure is recorded on the row, whatever its type
        row.state, row.error = StripeEvent.State.FAILED, f"{type(err).__name__}: {err}"[:2000]
    row.save(update_fields=["state", "note", "attempts", "error", "processed_at"])
    return row


def _unhandled(obj: dict[str, Any], at: datetime) -> Outcome:
    return IGNORED, "not an event type we act on"


def _find_subscription(obj: dict[str, Any]) -> Subscription | None:
    """The tenant's row, by the metadata we gave Stripe, else by the customer id we stored."""
    tenant_schema = (obj.get("metadata") or {}).get("tenant") or obj.get("client_reference_id")
    rows = Subscription.objects.select_for_update(of=("self",)).select_related("plan")
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


def _apply_subscription(row: Subscription, obj: dict[str, Any], at: datetime) -> Outcome:
    reason = _stale(row, obj, at)
    if reason:
        return IGNORED, f"{obj['id']}: {reason}"
    replaced = row.stripe_subscription_id if row.stripe_subscription_id != obj["id"] else ""
    row.plan, row.status = _plan_for(obj), obj["status"]
    row.stripe_subscription_id, row.stripe_subscription_created = obj["id"], _at(obj.get("created"))
    row.stripe_customer_id = row.stripe_customer_id or str(obj.get("customer") or "")
    row.current_period_start, row.current_period_end = _period(obj)
    row.stripe_state_at = at
    if row.status == Subscription.Status.CANCELED:
        row.payment_failed_at = None  # back on Free, which owes nothing
    row.save(update_fields=SNAPSHOT_FIELDS)
    if replaced and row.status in PAID_UP_STATES:
        stripe_api.cancel_subscription(replaced)  # an upgrade through Checkout: one subscription, not two
    return PROCESSED, f"{row.tenant.slug}: {row.plan.code} ({row.status})"


def on_checkout_completed(session: dict[str, Any], at: datetime) -> Outcome:
    row = _find_subscription(session)
    if row is None or session.get("mode") != "subscription" or not session.get("subscription"):
        return IGNORED, "not a subscription checkout of a tenant of ours"
    subscription = stripe_api.retrieve_subscription(str(session["subscription"]))
    return _apply_subscription(row, subscription, at)


def on_subscription_event(subscription: dict[str, Any], at: datetime) -> Outcome:
    row = _find_subscription(subscription)
    if row is None:
        return IGNORED, f"no tenant has the customer {subscription.get('customer')}"
    return _apply_subscription(row, subscription, at)


def _invoice_row(invoice: dict[str, Any], at: datetime) -> tuple[Subscription | None, str]:
    row = _find_subscription({"customer": invoice.get("customer")})
    if row is None:
        return None, f"no tenant has the customer {invoice.get('customer')}"
    if row.invoice_state_at and at < row.invoice_state_at:
        return None, "older than the invoice state we hold"
    return row, ""


def on_invoice_paid(invoice: dict[str, Any], at: datetime) -> Outcome:
    row, reason = _invoice_row(invoice, at)
    if row is None:
        return IGNORED, reason
    row.payment_failed_at, row.invoice_state_at = None, at
    row.latest_invoice_url = invoice.get("hosted_invoice_url") or row.latest_invoice_url
    row.save(update_fields=["payment_failed_at", "invoice_state_at", "latest_invoice_url", "updated_at"])
    return PROCESSED, f"{row.tenant.slug}: paid"


def on_payment_failed(invoice: dict[str, Any], at: datetime) -> Outcome:
    """The grace period runs from the first failure until an invoice is paid."""
    row, reason = _invoice_row(invoice, at)
    if row is None:
        return IGNORED, reason
    row.payment_failed_at, row.invoice_state_at = row.payment_failed_at or at, at
    row.latest_invoice_url = invoice.get("hosted_invoice_url") or row.latest_invoice_url
    row.save(update_fields=["payment_failed_at", "invoice_state_at", "latest_invoice_url", "updated_at"])
    return PROCESSED, f"{row.tenant.slug}: payment failed at {row.payment_failed_at:%Y-%m-%d %H:%M}"


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": on_checkout_completed,
    "customer.subscription.created": on_subscription_event,
    "customer.subscription.updated": on_subscription_event,
    "customer.subscription.deleted": on_subscription_event,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_payment_failed,
}
