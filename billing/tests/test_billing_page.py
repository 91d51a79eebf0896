"""The tenant's billing page: plan, usage equal to the ledger, chart, Checkout and the Customer Portal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from billing import quota
from billing.models import Subscription, UsageEntry
from billing.stripe_api import NOT_CONFIGURED
from billing.tests.conftest import put_on_plan
from conftest import Persona, client_for
from tenants import services as tenant_services


def _usage_from_ledger(tenant) -> float:
    """What the ledger says, summed here independently of the page's code."""
    counted = UsageEntry.objects.filter(tenant=tenant, state__in=["reserved", "committed"])
    return counted.aggregate(total=Sum("seconds"))["total"] or 0.0


def _page_seconds(page: str) -> float:
    found = re.search(r'data-usage="minutes" data-seconds="([\d.]+)"', page)
    assert found, "the page shows no minutes"
    return float(found.group(1))


@pytest.fixture
def owner(world) -> Persona:
    """Acme's administrator: the one who may change the plan."""
    user = tenant_services.do_create_tenant_user(
        world.acme, "olivia", "olivia@acme.example", "pw", staff=True
    )
    return Persona(user=user, tenant=world.acme, token="")


def _ledger_rows(tenant, *spec: tuple[float, str]) -> None:
    for job_id, (seconds, state) in enumerate(spec, start=1):
        entry = quota.do_reserve_minutes(tenant.schema_name, seconds, 1000)
        quota.attach_job(entry, job_id)
        if state == "committed":
            quota.do_commit_usage(tenant.schema_name, job_id)
        elif state == "released":
            quota.do_release_usage(tenant.schema_name, job_id)


def test_it_shows_usage_equal_to_the_ledger(world):
    _ledger_rows(
        world.acme, (125.5, "committed"), (60.25, "reserved"), (300.0, "released"), (30.0, "committed")
    )
    page = client_for(world.alice).get("/billing/").content.decode()
    assert _page_seconds(page) == pytest.approx(_usage_from_ledger(world.acme), abs=0.001) == 215.75
    assert 'data-usage="running">1<' in page and 'data-bytes="4000"' in page
    assert 'aria-label="Processed minutes per day, 3.6 minutes in this period"' in page
    assert "<strong>Agency</strong> plan, active" in page and "of 3000" in page


def test_it_checks_tenant(world):
    _ledger_rows(world.acme, (600.0, "committed"))
    page = client_for(world.charlie).get("/billing/").content.decode()
    assert _page_seconds(page) == 0.0 == _usage_from_ledger(world.globex)
    assert "Globex" in page and "Acme" not in page
    assert client_for(world.alice, host=world.charlie.host).get("/billing/").status_code == 302  # to login


def test_it_checks_ownership_anonymous_visitors_log_in_first(world):
    response = Client(HTTP_HOST=world.alice.host).get("/billing/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_sends_owners_to_checkout_and_the_portal(world, owner, fake_stripe, priced_plans):
    Subscription.objects.filter(tenant=world.acme).update(plan=priced_plans["free"])
    browser = client_for(owner)
    page = browser.get("/billing/").content.decode()
    assert "Switch to Pro" in page and "Switch to Agency" in page
    checkout = browser.post("/billing/checkout/", {"plan": "agency"})
    assert checkout.status_code == 302 and checkout["Location"].startswith("https://checkout.stripe.test/")
    session = fake_stripe.session_for(world.acme.schema_name)
    assert session["success_url"] == "http://acme.localhost/billing/?checkout=done"
    assert session["_line_items"][0]["price"] == "price_test_agency"
    portal = browser.post("/billing/portal/")
    assert portal.status_code == 302 and portal["Location"].startswith(
        "https://billing.stripe.test/p/session/"
    )
    assert fake_stripe.requests[-1][2] == {
        "customer": session["customer"], "return_url": "http://acme.localhost/billing/",
    }  # fmt: skip


def test_it_lets_only_administrators_change_the_plan(world, fake_stripe, priced_plans):
    browser = client_for(world.alice)
    assert "Switch to Pro" not in browser.get("/billing/").content.decode()
    assert browser.post("/billing/checkout/", {"plan": "pro"}).status_code == 403
    assert browser.post("/billing/portal/").status_code == 403
    assert not fake_stripe.requests


def test_it_refuses_unknown_plans_and_get_requests(world, owner, fake_stripe, priced_plans):
    browser = client_for(owner)
    assert browser.post("/billing/checkout/", {"plan": "platinum"}).status_code == 404
    assert browser.get("/billing/checkout/").status_code == 405
    assert not fake_stripe.requests


def test_it_says_paid_plans_are_unavailable_when_stripe_is_off(world, owner, priced_plans):
    browser = client_for(owner)
    page = browser.get("/billing/").content.decode()
    assert NOT_CONFIGURED in page and "Switch to" not in page
    response = browser.post("/billing/checkout/", {"plan": "pro"}, follow=True)
    assert NOT_CONFIGURED in response.content.decode()
    assert Subscription.objects.get(tenant=world.acme).plan.code == "agency"


def test_it_explains_a_refusing_or_unreachable_stripe(world, owner, fake_stripe, priced_plans, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_revoked"  # Stripe answers 401
    response = client_for(owner).post("/billing/checkout/", {"plan": "pro"}, follow=True)
    assert "refused the request; nothing was charged" in response.content.decode()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_reelremix", "http://127.0.0.1:9"
    response = client_for(owner).post("/billing/checkout/", {"plan": "pro"}, follow=True)
    assert "did not answer; nothing was charged" in response.content.decode()
    assert Subscription.objects.get(tenant=world.acme).plan.code == "agency"


def test_it_warns_about_a_failed_payment_then_says_new_videos_are_paused(world, settings):
    settings.BILLING_GRACE_DAYS = 7
    Subscription.objects.filter(tenant=world.acme).update(payment_failed_at=timezone.now())
    page = client_for(world.alice).get("/billing/").content.decode()
    assert 'data-state="grace"' in page and "update the payment method" in page
    eight_days_ago = timezone.now() - timedelta(days=8)
    Subscription.objects.filter(tenant=world.acme).update(payment_failed_at=eight_days_ago)
    page = client_for(world.alice).get("/billing/").content.decode()
    assert 'data-state="read-only"' in page and "new videos are paused" in page


def test_it_shows_limits_of_a_custom_plan(world):
    put_on_plan(world.acme, minutes_per_month=5, concurrent_jobs=2)
    with schema_context(world.acme.schema_name):
        page = client_for(world.alice).get("/billing/").content.decode()
    assert "of 5" in page and "at most 2 at a time" in page
