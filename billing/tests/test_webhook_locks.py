"""Webhooks call Stripe with no row locked: while the fake Stripe answers, another connection locks the
tenant's subscription and the stored events at once (NOWAIT); and what changed in the meantime is
re-checked under the lock. The rows are committed for real here, so other connections see them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from django.db import OperationalError, connection, transaction

from billing.models import Plan, StripeEvent, Subscription
from billing.tests.conftest import PRICES, post_event, subscription_of
from billing.tests.fake_stripe import FakeStripe, event
from tenants.models import Tenant


def _set_prices(prices: dict[str, str]) -> None:
    for plan in Plan.objects.filter(code__in=prices):
        plan.stripe_price_id = prices[plan.code]
        plan.save(update_fields=["stripe_price_id"])  # through save(): the plan caches are told


@pytest.fixture
def acme_customer(committed_db, fake_stripe: FakeStripe) -> Iterator[str]:
    """Acme as a Stripe customer, plans priced, committed; everything put back as it was afterwards."""
    row = subscription_of(committed_db.acme)
    saved = Subscription.objects.filter(pk=row.pk).values().get()
    prices = dict(Plan.objects.values_list("code", "stripe_price_id"))
    customer = fake_stripe.handle("POST", "/v1/customers", {"email": "owner@acme.example"})[1]["id"]
    _set_prices(PRICES)
    Subscription.objects.filter(pk=row.pk).update(stripe_customer_id=customer)
    try:
        yield customer
    finally:
        fake_stripe.on_request = None
        StripeEvent.objects.all().delete()
        _set_prices(prices)
        for name, value in saved.items():
            setattr(row, name, value)
        row.save()


def _probe_locks(tenant: Tenant, seen: list[tuple[str, str, str]]) -> Callable[[str, str], None]:
    """For the fake Stripe: from its own connection, lock the tenant's subscription row and every stored
    event without waiting, and note whether that worked."""

    def probe(method: str, path: str) -> None:
        try:
            with transaction.atomic():
                list(Subscription.objects.select_for_update(nowait=True).filter(tenant=tenant))
                list(StripeEvent.objects.select_for_update(nowait=True))
            seen.append((method, path, "no lock held"))
        except OperationalError as err:
            seen.append((method, path, f"locked: {err}"))
        finally:
            connection.close()  # this thread's own connection

    return probe


def _checkout(fake: FakeStripe, tenant: Tenant, customer: str, plan: str) -> str:
    """A Checkout Session for `plan`, as ReelRemix opens one."""
    metadata = {"tenant": tenant.schema_name, "plan": plan}
    params = {
        "mode": "subscription", "customer": customer, "client_reference_id": tenant.schema_name,
        "line_items": [{"price": PRICES[plan], "quantity": "1"}], "metadata": metadata,
        "subscription_data": {"metadata": metadata}, "success_url": "https://acme.example/billing/",
    }  # fmt: skip
    return str(fake.handle("POST", "/v1/checkout/sessions", params)[1]["id"])


def test_it_holds_no_row_lock_while_it_calls_stripe(committed_db, fake_stripe, acme_customer):
    acme, now = committed_db.acme, int(time.time())
    old = fake_stripe.add_subscription(acme_customer, PRICES["pro"], created=now - 1000)
    assert post_event(event("customer.subscription.created", old, created=now - 1000)).status_code == 200
    session = _checkout(fake_stripe, acme, acme_customer, "agency")
    seen: list[tuple[str, str, str]] = []
    fake_stripe.on_request = _probe_locks(acme, seen)
    delivered = [post_event(sent).json()["state"] for sent in fake_stripe.complete_checkout(session)]
    new = fake_stripe.sessions[session]["subscription"]
    assert delivered == [
        "processed",
        "processed",
    ]  # customer.subscription.created, checkout.session.completed
    assert seen == [
        ("DELETE", f"/v1/subscriptions/{old['id']}", "no lock held"),  # the upgrade cancels the old one
        ("GET", f"/v1/subscriptions/{new}", "no lock held"),  # the Checkout's subscription, fetched
    ]
    subscription = subscription_of(acme)
    assert (subscription.plan.code, subscription.stripe_subscription_id) == ("agency", new)
    assert fake_stripe.subscriptions[old["id"]]["status"] == "canceled"


def test_it_retries_an_event_whose_subscription_changed_while_stripe_was_called(
    committed_db, fake_stripe, acme_customer
):
    acme, now = committed_db.acme, int(time.time())
    first = fake_stripe.add_subscription(acme_customer, PRICES["pro"], created=now - 1000)
    post_event(event("customer.subscription.created", first, created=now - 1000))
    second = fake_stripe.add_subscription(acme_customer, PRICES["pro"], created=now - 500)
    latest = fake_stripe.add_subscription(acme_customer, PRICES["agency"], created=now - 10)

    def meanwhile(method: str, path: str) -> None:
        """As Stripe cancels `first` for `latest`, another worker applies `second`'s event."""
        created = datetime.fromtimestamp(second["created"], tz=UTC)
        Subscription.objects.filter(tenant=acme).update(
            stripe_subscription_id=second["id"], stripe_subscription_created=created
        )
        connection.close()

    fake_stripe.on_request = meanwhile
    created = event("customer.subscription.created", latest, created=now - 10)
    assert post_event(created).status_code == 500  # Stripe delivers it again later
    row = StripeEvent.objects.get(event_id=created["id"])
    assert row.state == "failed" and f"now replaces {second['id']}" in row.error
    assert subscription_of(acme).stripe_subscription_id == second["id"]  # nothing applied over it
    fake_stripe.on_request = None
    assert post_event(created).json()["state"] == "processed"
    subscription = subscription_of(acme)
    assert (subscription.plan.code, subscription.stripe_subscription_id) == ("agency", latest["id"])
    assert [fake_stripe.subscriptions[s["id"]]["status"] for s in (first, second)] == ["canceled", "canceled"]
