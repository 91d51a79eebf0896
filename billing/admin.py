"""The platform operators' view of billing (public site only): plans, subscriptions, webhooks, ledger."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from billing import webhooks
from billing.models import Plan, StripeEvent, Subscription, UsageEntry
from tenants.admin import PublicSiteOnlyAdmin


@admin.register(Plan)
class PlanAdmin(PublicSiteOnlyAdmin):
    list_display = ("name", "code", "stripe_price_id", "minutes_per_month", "concurrent_jobs", "offered")
    list_editable = ("stripe_price_id", "offered")  # price ids belong to the operator's Stripe account


@admin.register(Subscription)
class SubscriptionAdmin(PublicSiteOnlyAdmin):
    list_display = ("tenant", "plan", "status", "current_period_end", "payment_failed_at")
    list_filter = ("plan", "status")
    list_select_related = ("tenant", "plan")
    search_fields = ("tenant__slug", "stripe_customer_id", "stripe_subscription_id")
    # Stripe's webhooks are the truth for paid plans; an operator may still grant a plan here.
    readonly_fields = tuple(f.name for f in Subscription._meta.fields if f.name not in ("id", "plan"))


@admin.register(StripeEvent)
class StripeEventAdmin(PublicSiteOnlyAdmin):
    list_display = ("event_id", "type", "state", "attempts", "note", "created", "received_at")
    list_filter = ("state", "type")
    search_fields = ("event_id",)
    readonly_fields = tuple(f.name for f in StripeEvent._meta.fields)
    actions = ["retry"]

    @admin.action(description="Process selected failed events again")
    def retry(self, request: HttpRequest, queryset: QuerySet[StripeEvent]) -> None:
        failed = queryset.filter(state=StripeEvent.State.FAILED).values_list("pk", flat=True)
        results = [webhooks.do_process_event(pk) for pk in failed]
        done = sum(1 for row in results if row.state != StripeEvent.State.FAILED)
        self.message_user(request, f"{done} of {len(results)} failed event(s) processed now")


@admin.register(UsageEntry)
class UsageEntryAdmin(PublicSiteOnlyAdmin):
    list_display = ("tenant", "job_id", "seconds", "size_bytes", "state", "period_start", "created_at")
    list_filter = ("state",)
    list_select_related = ("tenant",)
    readonly_fields = tuple(f.name for f in UsageEntry._meta.fields)
