"""POST /stripe/webhook/: the real library verifies signatures; each event applies once, in the order of
the objects' own timestamps; failures are recorded and retried."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from billing.models import StripeEvent, Subscription
from billing.tests.conftest import PRICES, post_event, subscription_of
from billing.tests.fake_stripe import event, sign


@pytest.fixture
def acme_customer(world, fake_stripe, priced_plans) -> str:
    """Acme as a Stripe customer (what Checkout's first step leaves behind), still on Agency."""
    customer = fake_stripe.handle("POST", "/v1/customers", {"email": "owner@acme.example"})[1]["id"]
    Subscription.objects.filter(tenant=world.acme).update(stripe_customer_id=customer)
    return customer


def _subscription(fake, customer, plan="pro", **fields):
    return fake.add_subscription(customer, PRICES[plan], **fields)


def test_it_rejects_a_forged_webhook(world, fake_stripe, acme_customer):
    sub = _subscription(fake_stripe, acme_customer, status="canceled")
    response = post_event(event("customer.subscription.deleted", sub), secret="whsec_guessed")
    assert response.status_code == 400 and "Signature refused" in response.json()["detail"]
    assert not StripeEvent.objects.exists()
    assert subscription_of(world.acme).plan.code == "agency"


def test_it_rejects_a_payload_changed_after_signing(world, fake_stripe, acme_customer):
    genuine = json.dumps(event("invoice.paid", {"customer": acme_customer}))
    header = sign(genuine, "whsec_test_reelremix")
    forged = genuine.replace("invoice.paid", "invoice.payment_failed")
    client = Client(HTTP_HOST="localhost")
    response = client.post(
        "/stripe/webhook/", forged, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 400
    missing = client.post("/stripe/webhook/", genuine, content_type="application/json")
    assert missing.status_code == 400
    assert not StripeEvent.objects.exists()


def test_it_refuses_a_delivery_signed_outside_the_tolerance(world, fake_stripe, acme_customer):
    sub = _subscription(fake_stripe, acme_customer)
    response = post_event(event("customer.subscription.created", sub), timestamp=int(time.time()) - 600)
    assert response.status_code == 400 and "tolerance" in response.json()["detail"]
    assert subscription_of(world.acme).plan.code == "agency"


def test_it_refuses_a_signed_body_that_is_not_an_event(world, fake_stripe):
    payload = "not json"
    response = Client(HTTP_HOST="localhost").post(
        "/stripe/webhook/", payload, content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, "whsec_test_reelremix"),
    )  # fmt: skip
    assert response.status_code == 400 and not StripeEvent.objects.exists()


def test_it_answers_503_when_webhooks_are_not_configured(world, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post_event(event("invoice.paid", {"customer": "cus_x"}))
    assert response.status_code == 503 and "STRIPE_WEBHOOK_SECRET" in response.json()["detail"]


def test_it_processes_a_replayed_event_once(world, fake_stripe, acme_customer):
    now = int(time.time())
    sub = _subscription(fake_stripe, acme_customer, created=now - 100)
    created = event("customer.subscription.created", sub, created=now - 100)
    assert post_event(created).json()["state"] == "processed"
    assert subscription_of(world.acme).plan.code == "pro"
    past_due = event("customer.subscription.updated", {**sub, "status": "past_due"}, created=now - 50)
    assert post_event(past_due).status_code == 200
    replay = post_event(created)  # the same event again, freshly signed (Stripe redelivers)
    assert replay.status_code == 200 and replay.json()["state"] == "processed"
    row = StripeEvent.objects.get(event_id=created["id"])
    assert (row.attempts, StripeEvent.objects.count()) == (1, 2)
    assert subscription_of(world.acme).status == "past_due"


def test_it_ends_deleted_before_created_in_the_right_state(world, fake_stripe, acme_customer):
    now = int(time.time())
    sub = _subscription(fake_stripe, acme_customer, created=now - 100)
    ended = {**sub, "status": "canceled", "canceled_at": now - 10, "ended_at": now - 10}
    assert post_event(event("customer.subscription.deleted", ended, created=now - 10)).status_code == 200
    late = post_event(event("customer.subscription.created", sub, created=now - 100))
    assert late.json()["state"] == "ignored"
    subscription = subscription_of(world.acme)
    assert (subscription.plan.code, subscription.status) == ("free", "canceled")
    assert subscription.stripe_subscription_id == sub["id"]


def test_it_keeps_the_newest_snapshot_whatever_the_arrival_order(world, fake_stripe, acme_customer):
    now = int(time.time())
    sub = _subscription(fake_stripe, acme_customer, created=now - 100)
    post_event(event("customer.subscription.updated", {**sub, "status": "past_due"}, created=now - 20))
    older = post_event(event("customer.subscription.updated", sub, created=now - 60))
    assert older.json()["state"] == "ignored"
    assert subscription_of(world.acme).status == "past_due"


def test_it_moves_to_the_new_subscription_and_cancels_the_old_one(world, fake_stripe, acme_customer):
    now = int(time.time())
    old = _subscription(fake_stripe, acme_customer, "pro", created=now - 1000)
    post_event(event("customer.subscription.created", old, created=now - 1000))
    new = _subscription(fake_stripe, acme_customer, "agency", created=now - 10)
    assert post_event(event("customer.subscription.created", new, created=now - 10)).status_code == 200
    assert fake_stripe.subscriptions[old["id"]]["status"] == "canceled"  # through the real client
    deleted = event("customer.subscription.deleted", fake_stripe.subscriptions[old["id"]])
    assert post_event(deleted).json()["state"] == "ignored"
    subscription = subscription_of(world.acme)
    assert (subscription.plan.code, subscription.stripe_subscription_id) == ("agency", new["id"])


def test_it_moves_on_when_the_old_subscription_is_already_gone(world, fake_stripe, acme_customer):
    now = int(time.time())
    Subscription.objects.filter(tenant=world.acme).update(
        stripe_subscription_id="sub_gone", stripe_subscription_created=timezone.now() - timedelta(days=60)
    )
    new = _subscription(fake_stripe, acme_customer, "pro", created=now)
    assert post_event(event("customer.subscription.created", new, created=now)).json()["state"] == "processed"
    assert ("DELETE", "/v1/subscriptions/sub_gone", {}) in fake_stripe.requests
    assert subscription_of(world.acme).stripe_subscription_id == new["id"]


def test_it_records_a_failing_event_and_processes_it_when_redelivered(world, fake_stripe, acme_customer):
    sub = fake_stripe.add_subscription(acme_customer, "price_unknown")
    created = event("customer.subscription.created", sub)
    failed = post_event(created)
    assert failed.status_code == 500  # Stripe delivers it again later
    row = StripeEvent.objects.get(event_id=created["id"])
    assert row.state == "failed" and "price_unknown" in row.error and row.attempts == 1
    assert subscription_of(world.acme).plan.code == "agency"  # nothing half-applied
    from billing.models import Plan

    Plan.objects.filter(code="pro").update(stripe_price_id="price_unknown")  # the operator fixes the plan
    assert post_event(created).json()["state"] == "processed"
    row.refresh_from_db()
    assert (row.state, row.error, row.attempts) == ("processed", "", 2)
    assert subscription_of(world.acme).plan.code == "pro"


def test_it_ignores_event_types_it_does_not_act_on(world, fake_stripe):
    response = post_event(event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.json()["state"] == "ignored"


def test_it_starts_and_ends_the_grace_period_from_invoices(world, fake_stripe, acme_customer):
    now = int(time.time())
    invoice = {"object": "invoice", "customer": acme_customer, "hosted_invoice_url": "https://invoice.test/1"}
    post_event(event("invoice.payment_failed", invoice, created=now - 100))
    failed_at = subscription_of(world.acme).payment_failed_at
    assert failed_at is not None and int(failed_at.timestamp()) == now - 100
    post_event(event("invoice.payment_failed", invoice, created=now - 50))  # a retry failing keeps the start
    assert subscription_of(world.acme).payment_failed_at == failed_at
    post_event(event("invoice.paid", invoice, created=now - 10))
    late_failure = post_event(event("invoice.payment_failed", invoice, created=now - 30))
    assert late_failure.json()["state"] == "ignored"
    subscription = subscription_of(world.acme)
    assert subscription.payment_failed_at is None
    assert subscription.latest_invoice_url == "https://invoice.test/1"


def test_it_checks_tenant_events_only_touch_their_customer(world, fake_stripe, acme_customer):
    sub = _subscription(fake_stripe, acme_customer, "pro")
    post_event(event("customer.subscription.created", sub))
    assert subscription_of(world.acme).plan.code == "pro"
    assert subscription_of(world.globex).plan.code == "agency"
