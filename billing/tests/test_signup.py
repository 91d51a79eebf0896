"""Self-serve signup on the public site: tenant provisioned, Checkout for paid plans, back on the tenant's
host logged in through a single-use link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from billing import signup
from billing.models import LoginLink
from billing.stripe_api import NOT_CONFIGURED
from billing.tests.conftest import PRICES, post_event, subscription_of
from tenants.models import Tenant

FORM = {"name": "Initech", "slug": "initech", "email": "bill@initech.example", "password": "tps-reports-2026"}


def _public() -> Client:
    return Client(HTTP_HOST="localhost")


def _follow_link(url: str) -> tuple[Client, object]:
    """Open the link on the host it names, as a browser coming back from the public site would."""
    host, path = url.removeprefix("http://").split("/", 1)
    browser = Client(HTTP_HOST=host)
    return browser, browser.get(f"/{path}")


def test_it_signs_up_on_free_without_a_card_and_logs_in_on_the_tenant_host(db):
    response = _public().post("/signup/", {**FORM, "plan": "free"})
    assert response.status_code == 302
    assert response["Location"].startswith("http://initech.localhost/welcome/")
    tenant = Tenant.objects.get(slug="initech")
    assert subscription_of(tenant).plan.code == "free" and tenant.owner_email == FORM["email"]
    browser, landed = _follow_link(response["Location"])
    assert landed.status_code == 302 and landed["Location"] == "/billing/"
    page = browser.get("/billing/").content.decode()
    assert "<strong>Free</strong> plan" in page and FORM["email"] in page  # logged in as the owner
    with schema_context(tenant.schema_name):
        owner = get_user_model().objects.get(username=FORM["email"])
        assert owner.is_staff and owner.check_password(FORM["password"])


def test_it_ends_a_paid_signup_on_the_chosen_plan(db, fake_stripe, priced_plans):
    response = _public().post("/signup/", {**FORM, "plan": "pro"})
    assert response.status_code == 302 and response["Location"].startswith("https://checkout.stripe.test/")
    tenant = Tenant.objects.get(slug="initech")
    assert subscription_of(tenant).plan.code == "free"  # until Stripe confirms the payment
    session = fake_stripe.session_for(tenant.schema_name)
    customer = fake_stripe.customers[session["customer"]]
    assert (customer["email"], customer["metadata"]) == (FORM["email"], {"tenant": "t_initech"})
    assert session["_line_items"] == [{"price": PRICES["pro"], "quantity": "1"}]
    for stripe_event in fake_stripe.complete_checkout(session["id"]):  # the customer paid
        assert post_event(stripe_event).json()["state"] == "processed"
    subscription = subscription_of(tenant)
    assert (subscription.plan.code, subscription.status) == ("pro", "active")
    assert subscription.stripe_subscription_id == session["subscription"]
    assert subscription.current_period_end > timezone.now() + timedelta(days=29)
    browser, landed = _follow_link(session["success_url"])
    assert landed["Location"] == "/billing/"
    assert "<strong>Pro</strong> plan" in browser.get("/billing/").content.decode()


def test_it_offers_only_free_when_stripe_is_off(db):
    assert NOT_CONFIGURED in _public().get("/signup/").content.decode()
    response = _public().post("/signup/", {**FORM, "plan": "pro"})
    assert response.status_code == 400 and NOT_CONFIGURED in response.content.decode()
    assert not Tenant.objects.filter(slug="initech").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Bad Slug"}, "A slug is 3-40 characters"),
        ({"slug": "acme"}, "already taken"),
        ({"slug": "admin"}, "is reserved"),
        ({"password": "password"}, "too common"),
        ({"email": "not-an-email"}, "valid email"),
        ({"plan": "platinum"}, "Select a valid choice"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_it_refuses_bad_signups_and_creates_nothing(world, change, message):
    before = Tenant.objects.count()
    response = _public().post("/signup/", {**FORM, "plan": "free", **change})
    assert response.status_code == 400 and message in response.content.decode()
    assert Tenant.objects.count() == before


def test_it_checks_csrf_on_signup(db):
    browser = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    assert browser.post("/signup/", {**FORM, "plan": "free"}).status_code == 403
    assert not Tenant.objects.filter(slug="initech").exists()


def test_it_does_not_accept_a_login_link_twice(world):
    token = signup.do_issue_login_link(world.acme, "alice")
    first = Client(HTTP_HOST=world.alice.host).get(f"/welcome/{token}/")
    assert first.status_code == 302 and first.wsgi_request.user.username == "alice"
    again = Client(HTTP_HOST=world.alice.host).get(f"/welcome/{token}/")
    assert again.status_code == 400 and not again.wsgi_request.user.is_authenticated


def test_it_checks_tenant_of_a_login_link(world):
    token = signup.do_issue_login_link(world.acme, "alice")
    elsewhere = Client(HTTP_HOST=world.charlie.host).get(f"/welcome/{token}/")
    assert elsewhere.status_code == 400 and not elsewhere.wsgi_request.user.is_authenticated
    assert _public().get(f"/welcome/{token}/").status_code == 404  # not a page of the public site
    home = Client(HTTP_HOST=world.alice.host).get(f"/welcome/{token}/")  # still valid where it belongs
    assert home.status_code == 302


def test_it_refuses_an_expired_login_link(world):
    token = signup.do_issue_login_link(world.acme, "alice")
    LoginLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client(HTTP_HOST=world.alice.host).get(f"/welcome/{token}/").status_code == 400
