"""Subscriptions: which plan a tenant is on, its billing period, Checkout and the Customer Portal."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing import stripe_api
from billing.errors import BillingUnavailable
from billing.models import Plan, Subscription
from tenants.models import Tenant

FREE_PLAN = "free"
# Stripe states in which the tenant keeps its paid plan (past_due: the grace period decides).
PAID_UP_STATES = {
    Subscription.Status.ACTIVE,
    Subscription.Status.TRIALING,
    Subscription.Status.PAST_DUE,
}


def format_bytes(size: int) -> str:
    return f"{size / 1024**3:.1f} GB"


def get_plan(code: str) -> Plan:
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        known = ", ".join(Plan.objects.values_list("code", flat=True))
        raise ValidationError(f"There is no plan {code!r} (plans: {known}).")
    return plan


def offered_plans() -> list[Plan]:
    return list(Plan.objects.filter(offered=True))


def ensure_subscription(schema_name: str) -> Subscription:
    """The tenant's subscription; a tenant made before billing existed starts on Free."""
    tenant = Tenant.objects.get(schema_name=schema_name)
    subscription, _ = Subscription.objects.select_related("plan", "tenant").get_or_create(
        tenant=tenant, defaults={"plan": get_plan(FREE_PLAN)}
    )
    return subscription


@transaction.atomic
def do_start_subscription(tenant: Tenant, plan_code: str) -> Subscription:
    """Put a new tenant on a plan without Stripe: Free, or a plan granted by the operator."""
    return Subscription.objects.create(tenant=tenant, plan=get_plan(plan_code))


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def current_period(subscription: Subscription) -> tuple[datetime, datetime]:
    """Stripe's billing period while it covers now; otherwise the calendar month (UTC)."""
    now = timezone.now()
    start, end = subscription.current_period_start, subscription.current_period_end
    if start and end and start <= now < end:
        return start, end
    month = _month_start(now)
    return month, _month_start(month + timedelta(days=32))


def read_only_since(subscription: Subscription) -> datetime | None:
    """When the grace period after a failed payment ended (the tenant is read-only), else None."""
    if subscription.payment_failed_at is None:
        return None
    ends = subscription.payment_failed_at + timedelta(days=settings.BILLING_GRACE_DAYS)
    return ends if timezone.now() >= ends else None


def grace_ends(subscription: Subscription) -> datetime | None:
    if subscription.payment_failed_at is None:
        return None
    return subscription.payment_failed_at + timedelta(days=settings.BILLING_GRACE_DAYS)


def check_plan_purchasable(plan: Plan) -> None:
    """Raise BillingUnavailable unless Checkout can sell this plan now."""
    if not stripe_api.stripe_enabled():
        raise BillingUnavailable(stripe_api.NOT_CONFIGURED)
    if not plan.stripe_price_id:
        raise BillingUnavailable(f"The {plan.name} plan cannot be bought online yet: it has no Stripe price.")


def _ensure_customer(subscription: Subscription, email: str) -> str:
    if not subscription.stripe_customer_id:
        tenant = subscription.tenant
        subscription.stripe_customer_id = stripe_api.create_customer(email, tenant.name, tenant.schema_name)
        subscription.save(update_fields=["stripe_customer_id", "updated_at"])
    return subscription.stripe_customer_id


def do_start_checkout(
    subscription: Subscription, plan: Plan, email: str, site_url: str, success_url: str
) -> str:
    """A Checkout Session for `plan`; returns its URL. The plan changes when Stripe's webhook says so."""
    check_plan_purchasable(plan)
    customer_id = _ensure_customer(subscription, email)
    return stripe_api.create_checkout_session(
        customer_id, plan.stripe_price_id, subscription.tenant.schema_name, plan.code,
        success_url=success_url, cancel_url=f"{site_url}/billing/?checkout=canceled",
    )  # fmt: skip


def do_open_portal(subscription: Subscription, site_url: str) -> str:
    """A Customer Portal session (payment method, invoices, cancellation); returns its URL."""
    if not subscription.stripe_customer_id:
        raise BillingUnavailable("There is no payment account yet: choose a paid plan first.")
    return stripe_api.create_portal_session(subscription.stripe_customer_id, f"{site_url}/billing/")
