"""Quotas, asked by media_jobs before any work starts: plan limits, the usage ledger, queue priority.

Submissions of one tenant are serialised on its Subscription row (SELECT ... FOR UPDATE, held until the
submitting transaction commits), so concurrent uploads can never together pass a quota that each alone
fits. Tenants are named by schema: this module never imports media_jobs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Least
from django.utils import timezone

from billing.errors import FeatureNotInPlan, QuotaExceeded, SubscriptionReadOnly
from billing.models import Plan, Subscription, UsageEntry
from billing.services import current_period, ensure_subscription, format_bytes, read_only_since


@dataclass(frozen=True)
class Usage:
    """A tenant's usage in its current period, from the ledger."""

    period_start: datetime
    period_end: datetime
    seconds: float  # reserved (jobs running) + committed (jobs finished)
    storage_bytes: int
    running_jobs: int

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def subscription_for_schema(schema_name: str, *, lock: bool = False) -> Subscription:
    subscriptions = Subscription.objects.select_related("plan", "tenant").filter(
        tenant__schema_name=schema_name
    )
    if lock:
        subscriptions = subscriptions.select_for_update(of=("self",))
    found = subscriptions.first()
    if found is None:  # a tenant made before billing existed: a row must exist before it can be locked
        ensure_subscription(schema_name)
        found = subscriptions.get()
    return found


def usage_of(subscription: Subscription) -> Usage:
    start, end = current_period(subscription)
    entries = UsageEntry.objects.filter(tenant_id=subscription.tenant_id)
    totals = entries.aggregate(
        seconds=Sum("seconds", filter=Q(period_start=start, state__in=UsageEntry.COUNTED_STATES)),
        storage=Sum("size_bytes"),  # originals kept, whatever became of their jobs (until retention)
        running=Count("id", filter=Q(state=UsageEntry.State.RESERVED)),
    )
    return Usage(start, end, totals["seconds"] or 0.0, totals["storage"] or 0, totals["running"])


_plans: dict[str, tuple[Plan, float]] = {}  # schema -> (plan, until when, monotonic)


def plan_of(schema_name: str) -> Plan:
    """The tenant's plan, remembered in this process for BILLING_PLAN_CACHE_SECONDS: it is asked on every
    API request. A plan or subscription saved in this process is seen at once, elsewhere within that time;
    quota reservations always read the subscription afresh, under its lock."""
    remembered = _plans.get(schema_name)
    if remembered is not None and remembered[1] > time.monotonic():
        return remembered[0]
    plan = subscription_for_schema(schema_name).plan
    if settings.BILLING_PLAN_CACHE_SECONDS:
        _plans[schema_name] = (plan, time.monotonic() + settings.BILLING_PLAN_CACHE_SECONDS)
    return plan


def forget_plans(**kwargs: object) -> None:
    """Drop the plans this process remembers (a plan or a subscription changed)."""
    _plans.clear()


def upload_limits_of(schema_name: str) -> tuple[int | None, float | None]:
    """(max bytes, max seconds) of the tenant's plan; None where the plan leaves the site's default."""
    plan = plan_of(schema_name)
    return plan.max_upload_bytes, plan.max_video_seconds


def require_feature(schema_name: str, feature: str) -> None:
    """Raise FeatureNotInPlan unless the tenant's plan includes `feature` (a Plan.Feature)."""
    plan = plan_of(schema_name)
    if not plan.has_feature(feature):
        label = Plan.Feature(feature).label
        raise FeatureNotInPlan(feature, f"{label} is not part of the {plan.name} plan. Upgrade to use it.")


def has_priority(schema_name: str) -> bool:
    """Whether the tenant's plan puts its work on the priority queues."""
    return plan_of(schema_name).priority_queue


def _check_writable(subscription: Subscription) -> None:
    since = read_only_since(subscription)
    if since is not None:
        raise SubscriptionReadOnly(
            "payment",
            f"Your last payment failed and the {settings.BILLING_GRACE_DAYS}-day grace period ended on "
            f"{since:%Y-%m-%d}: new videos are paused until the payment method is updated. "
            "Everything you have is kept and stays available.",
        )


# A video this short would still not fit: the period's minutes are used up.
MINIMAL_SECONDS = 0.5


def _check_quotas(subscription: Subscription, usage: Usage, seconds: float, size_bytes: int) -> None:
    plan = subscription.plan
    if plan.concurrent_jobs is not None and usage.running_jobs >= plan.concurrent_jobs:
        raise QuotaExceeded(
            "concurrent_jobs",
            f"The {plan.name} plan runs {plan.concurrent_jobs} video(s) at a time and that many are "
            "being processed: wait for one to finish, or upgrade for more.",
        )
    if plan.minutes_per_month is not None and usage.seconds + seconds > plan.minutes_per_month * 60:
        left = max(0.0, plan.minutes_per_month - usage.minutes)
        raise QuotaExceeded(
            "minutes_per_month",
            f"This {seconds / 60:.1f}-minute video does not fit the {plan.minutes_per_month} processed "
            f"minutes of the {plan.name} plan ({left:.1f} left until {usage.period_end:%Y-%m-%d}). "
            "Upgrade for more minutes.",
        )
    if plan.storage_bytes is not None and usage.storage_bytes + size_bytes > plan.storage_bytes:
        raise QuotaExceeded(
            "storage_bytes",
            f"This video does not fit the {format_bytes(plan.storage_bytes)} of storage of the "
            f"{plan.name} plan ({format_bytes(usage.storage_bytes)} used). Upgrade for more storage.",
        )


def check_room_for(schema_name: str, size_bytes: int) -> None:
    """Raise a BillingRefusal now if a file of `size_bytes` could not be accepted whatever its length (a
    resumable upload asks before its bytes are sent); the reservation at submission still decides."""
    subscription = subscription_for_schema(schema_name)
    _check_writable(subscription)
    _check_quotas(subscription, usage_of(subscription), MINIMAL_SECONDS, size_bytes)


@transaction.atomic
def do_reserve_minutes(schema_name: str, seconds: float, size_bytes: int) -> UsageEntry:
    """Reserve a video's minutes against the period's quota, or raise a BillingRefusal. Call it inside
    the submitting transaction: the lock it takes is what makes concurrent submissions queue up."""
    subscription = subscription_for_schema(schema_name, lock=True)
    _check_writable(subscription)
    usage = usage_of(subscription)
    _check_quotas(subscription, usage, seconds, size_bytes)
    return UsageEntry.objects.create(
        tenant_id=subscription.tenant_id,
        period_start=usage.period_start,
        seconds=seconds,
        size_bytes=size_bytes,
    )


def attach_job(entry: UsageEntry, job_id: int) -> None:
    entry.job_id = job_id
    entry.save(update_fields=["job_id", "updated_at"])


def _settle(schema_name: str, job_id: int, state: str) -> bool:
    # Conditional update: only a reservation moves, so a repeated finish or fail changes nothing.
    reserved = UsageEntry.objects.filter(
        tenant__schema_name=schema_name, job_id=job_id, state=UsageEntry.State.RESERVED
    )
    return reserved.update(state=state, updated_at=timezone.now()) == 1


def do_commit_usage(schema_name: str, job_id: int) -> bool:
    """The job finished: its reserved minutes are spent. False when it had no reservation."""
    return _settle(schema_name, job_id, UsageEntry.State.COMMITTED)


def do_settle_seconds(schema_name: str, job_id: int, seconds: float) -> None:
    """A job reserved an estimate (clips: the most they could add up to); it now holds what the job
    used, never more than reserved. The reservation commits or is released as the job ends."""
    UsageEntry.objects.filter(
        tenant__schema_name=schema_name, job_id=job_id, state=UsageEntry.State.RESERVED
    ).update(seconds=Least(F("seconds"), max(0.0, seconds)), updated_at=timezone.now())


def do_release_usage(schema_name: str, job_id: int) -> bool:
    """The job failed: give its minutes back to the period's quota."""
    return _settle(schema_name, job_id, UsageEntry.State.RELEASED)


def do_free_storage(schema_name: str, job_ids: list[int]) -> int:
    """The originals these jobs brought in were deleted (retention): they no longer count against the plan's
    storage. Idempotent; how many ledger rows still counted them."""
    entries = UsageEntry.objects.filter(tenant__schema_name=schema_name, job_id__in=job_ids, size_bytes__gt=0)
    return entries.update(size_bytes=0, updated_at=timezone.now())


def daily_minutes(subscription: Subscription, usage: Usage) -> list[tuple[datetime, float]]:
    """Minutes counted against the quota per day of the current period (for the chart)."""
    entries = UsageEntry.objects.filter(
        tenant_id=subscription.tenant_id, period_start=usage.period_start, state__in=UsageEntry.COUNTED_STATES
    ).values_list("created_at", "seconds")
    days = max(1, (usage.period_end - usage.period_start).days)
    totals = [0.0] * days
    for created_at, seconds in entries:
        index = min(days - 1, max(0, (created_at - usage.period_start).days))
        totals[index] += seconds / 60
    return [(usage.period_start + timedelta(days=i), total) for i, total in enumerate(totals)]
