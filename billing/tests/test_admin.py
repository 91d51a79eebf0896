"""The platform operators' billing admin (public site only): webhook log with a retry, plans, the ledger."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import Plan, StripeEvent
from billing.tests.conftest import post_event, subscription_of
from billing.tests.fake_stripe import event
from conftest import verified_client
from tenants import services


def _superuser_client(tenant, host: str) -> Client:
    """A superuser of `tenant` in its admin, second factor passed (the platform's admin asks for one)."""
    with schema_context(tenant.schema_name):
        user = User.objects.create_superuser("root", "root@example.com", "x")
    return verified_client(user, tenant.schema_name, host)


def test_it_retries_failed_events_from_the_webhook_log(world, fake_stripe, priced_plans):
    sub = fake_stripe.add_subscription("cus_unknown_yet", "price_new", metadata={"tenant": "t_acme"})
    failed = post_event(event("customer.subscription.created", sub))
    assert failed.status_code == 500
    admin = _superuser_client(services.ensure_public_tenant(), "localhost")
    log = admin.get("/admin/billing/stripeevent/").content.decode()
    assert "customer.subscription.created" in log and "Failed" in log
    Plan.objects.filter(code="pro").update(stripe_price_id="price_new")  # the operator's fix
    row = StripeEvent.objects.get()
    response = admin.post(
        "/admin/billing/stripeevent/", {"action": "retry", "_selected_action": [row.pk]}, follow=True
    )
    assert "1 of 1 failed event(s) processed now" in response.content.decode()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("processed", 2)
    assert subscription_of(world.acme).plan.code == "pro"


def test_it_checks_tenant_billing_is_not_in_a_tenants_admin(world):
    admin = _superuser_client(world.acme, world.alice.host)
    for page in ("/admin/billing/subscription/", "/admin/billing/stripeevent/", "/admin/billing/plan/"):
        assert admin.get(page).status_code in (403, 404)
    assert "Globex" not in admin.get("/admin/").content.decode()


def test_it_lists_subscriptions_with_few_queries(world, django_assert_max_num_queries):
    admin = _superuser_client(services.ensure_public_tenant(), "localhost")
    # 7 queries whatever the number of rows, each after django-tenants' SET search_path.
    with django_assert_max_num_queries(14):
        page = admin.get("/admin/billing/subscription/").content.decode()
    assert "Acme" in page and "Globex" in page
