"""Billing fixtures: the fake Stripe server, signed webhook delivery, plans with chosen limits, videos."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from billing.models import Plan, Subscription
from billing.tests.fake_stripe import FakeStripe, sign
from media_jobs.tests.media_factory import make_video
from tenants.models import Tenant

STRIPE_KEY = "sk_test_reelremix"
WEBHOOK_SECRET = "whsec_test_reelremix"
PRICES = {"pro": "price_test_pro", "agency": "price_test_agency"}


@pytest.fixture
def fake_stripe(settings: Any) -> Iterator[FakeStripe]:
    """Stripe switched on, the real client pointed at the local fake."""
    fake = FakeStripe(STRIPE_KEY).start()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = STRIPE_KEY, fake.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def priced_plans(db: None) -> dict[str, Plan]:
    """The paid plans with the Stripe prices an operator would have set (rolled back after the test)."""
    for code, price in PRICES.items():
        Plan.objects.filter(code=code).update(stripe_price_id=price)
    return {plan.code: plan for plan in Plan.objects.all()}


def post_event(event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> Any:
    """Deliver a webhook to the public site as Stripe does: the raw JSON, signed."""
    payload = json.dumps(event)
    # CSRF checks on, as for a real request: Stripe sends no token, so the endpoint must not need one.
    return Client(HTTP_HOST="localhost", enforce_csrf_checks=True).post(
        "/stripe/webhook/", data=payload, content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, secret, timestamp),
    )  # fmt: skip


def put_on_plan(tenant: Tenant, **limits: Any) -> Plan:
    """A plan made for the test (no limits unless given), and the tenant moved onto it."""
    fields = {"minutes_per_month": None, "storage_bytes": None, "concurrent_jobs": None, "api_access": True}
    plan = Plan.objects.create(code=f"test-{Plan.objects.count()}", name="Test plan", **{**fields, **limits})
    Subscription.objects.filter(tenant=tenant).update(plan=plan)
    return plan


def subscription_of(tenant: Tenant) -> Subscription:
    return Subscription.objects.select_related("plan").get(tenant=tenant)


@pytest.fixture(scope="session")
def minute_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """59 s of small video: five fit a 5-minute quota, six do not."""
    return make_video(tmp_path_factory.mktemp("billing") / "minute.mp4", duration=59.0, size="160x120", fps=5)


@pytest.fixture(scope="session")
def short_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("billing") / "short.mp4", duration=2.0, size="160x120", fps=10)
