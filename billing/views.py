"""Billing pages of a tenant's site: plan and usage, Checkout, the Customer Portal, and the signup
sign-in link."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from billing import quota, services, signup, stripe_api
from billing.chart import usage_svg
from billing.errors import BillingUnavailable
from billing.models import Plan
from team import roles
from tenants.context import current_schema_name

CHECKOUT_NOTES = {
    "done": "Thank you! Your plan changes as soon as Stripe confirms the payment (usually seconds).",
    "canceled": "Checkout was canceled; your plan is unchanged.",
    "failed": "Your site is ready on the Free plan, but the payment page could not be opened. "
    "Choose your plan again below.",
}


def _site_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


@login_required
def billing_page(request: HttpRequest) -> HttpResponse:
    subscription = quota.subscription_for_schema(current_schema_name())
    usage = quota.usage_of(subscription)
    note = CHECKOUT_NOTES.get(request.GET.get("checkout", ""))
    if note:
        messages.info(request, note)
    context = {
        "subscription": subscription,
        "plan": subscription.plan,
        "usage": usage,
        "chart": usage_svg(quota.daily_minutes(subscription, usage)),
        "plans": services.offered_plans(),
        "stripe_enabled": stripe_api.stripe_enabled(),
        "not_configured": stripe_api.NOT_CONFIGURED,
        "grace_ends": services.grace_ends(subscription),
        "read_only": services.read_only_since(subscription) is not None,
        "can_manage": roles.allows(request.user, roles.Rule.OWNER),  # changing it: team.roles refuses others
    }
    return render(request, "billing/billing.html", context)


@login_required
@require_POST
def start_checkout(request: HttpRequest) -> HttpResponse:
    plan = get_object_or_404(Plan, code=request.POST.get("plan", ""), offered=True)
    subscription = quota.subscription_for_schema(current_schema_name())
    site = _site_url(request)
    try:
        email = cast(User, request.user).email
        url = services.do_start_checkout(
            subscription, plan, email, site, success_url=f"{site}/billing/?checkout=done"
        )
    except BillingUnavailable as err:
        messages.error(request, str(err))
        return redirect("billing")
    return redirect(url)


@login_required
@require_POST
def open_portal(request: HttpRequest) -> HttpResponse:
    subscription = quota.subscription_for_schema(current_schema_name())
    try:
        return redirect(services.do_open_portal(subscription, _site_url(request)))
    except BillingUnavailable as err:
        messages.error(request, str(err))
        return redirect("billing")


def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """Sign the new owner in with the single-use link from signup, on this tenant's host only."""
    username = signup.do_use_login_link(current_schema_name(), token)
    if username is None:
        return render(request, "billing/welcome_invalid.html", status=400)
    user = User.objects.get(username=username)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    checkout = request.GET.get("checkout", "")
    return redirect(f"/billing/?checkout={checkout}" if checkout in CHECKOUT_NOTES else "/billing/")
