"""Self-serve signup on the public site, and the single-use link that signs the new owner in on the
tenant's own host (sessions live in the tenant's schema, so the public host cannot log anyone in)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from billing import services
from billing.errors import BillingUnavailable
from billing.models import LoginLink
from tenants import services as tenants
from tenants.models import Tenant

# Long enough to get through Stripe Checkout, short enough that a leaked link soon stops working.
LOGIN_LINK_TTL = timedelta(minutes=30)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def do_issue_login_link(tenant: Tenant, username: str) -> str:
    """A fresh token for /welcome/<token>/ on the tenant's host; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        tenant=tenant, username=username, token_hash=_hash(token), expires_at=timezone.now() + LOGIN_LINK_TTL
    )
    return token


@transaction.atomic
def do_use_login_link(schema_name: str, token: str) -> str | None:
    """The username the link signs in, once, on its own tenant's host; None when used, expired or foreign."""
    now = timezone.now()
    link = LoginLink.objects.filter(
        token_hash=_hash(token), tenant__schema_name=schema_name, used_at=None, expires_at__gt=now
    )
    if link.update(used_at=now) != 1:  # conditional update: two clicks at once cannot both win
        return None
    return LoginLink.objects.get(token_hash=_hash(token)).username


def do_signup(name: str, slug: str, email: str, password: str, plan_code: str, site_url: str) -> str:
    """Provision the tenant and its owner; returns where the browser goes next: Stripe Checkout for a
    paid plan, else the sign-in link. The owner logs in with the email as user name."""
    plan = services.get_plan(plan_code)
    if plan.is_paid:
        services.check_plan_purchasable(plan)  # before anything is created
    tenant = tenants.do_create_tenant(name, slug, email, plan=services.FREE_PLAN).tenant
    tenants.do_create_tenant_user(tenant, email, email, password, staff=True)
    welcome = f"{site_url}/welcome/{do_issue_login_link(tenant, email)}/"
    if not plan.is_paid:
        return welcome
    subscription = services.ensure_subscription(tenant.schema_name)
    try:
        return services.do_start_checkout(subscription, plan, email, site_url, success_url=welcome)
    except BillingUnavailable:
        return f"{welcome}?checkout=failed"  # the tenant exists on Free; the billing page offers it again
