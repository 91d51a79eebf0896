"""The one adapter in front of Stripe: every call we make, through the real `stripe` client.
Failures become BillingUnavailable with a message for users; the library's own error is chained."""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings

from billing.errors import BillingUnavailable

NOT_CONFIGURED = "Paid plans are unavailable: payments are not configured on this site. The Free plan works."
UNREACHABLE = "The payment provider did not answer; nothing was charged. Please try again in a minute."
REFUSED = "The payment provider refused the request; nothing was charged. The operators have been told."
logger = logging.getLogger(__name__)


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    if not stripe_enabled():
        raise BillingUnavailable(NOT_CONFIGURED)
    base: Any = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    # One retry: Stripe's idempotency keys make a retried POST safe; a user is waiting on the page.
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=1)


def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return method(*args, **kwargs)
    except stripe.APIConnectionError as err:
        raise BillingUnavailable(UNREACHABLE) from err
    except stripe.StripeError as err:  # a bad key, an unknown price: ours to fix, not the user's
        logger.error("Stripe refused %s: %s", getattr(method, "__qualname__", method), err)
        raise BillingUnavailable(REFUSED) from err


def create_customer(email: str, name: str, tenant_schema: str) -> str:
    """A Stripe customer for the tenant; its id is how subscription and invoice events find the tenant."""
    params = {"email": email, "name": name, "metadata": {"tenant": tenant_schema}}
    return str(_call(client().v1.customers.create, params).id)


def create_checkout_session(
    customer_id: str, price_id: str, tenant_schema: str, plan_code: str, success_url: str, cancel_url: str
) -> str:
    """A subscription Checkout Session; returns the URL to send the browser to."""
    metadata = {"tenant": tenant_schema, "plan": plan_code}
    params = {
        "mode": "subscription",
        "customer": customer_id,
        "client_reference_id": tenant_schema,
        "line_items": [{"price": price_id, "quantity": 1}],
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    return str(_call(client().v1.checkout.sessions.create, params).url)


def create_portal_session(customer_id: str, return_url: str) -> str:
    """A Customer Portal session (payment method, invoices, cancellation); returns its URL."""
    params = {"customer": customer_id, "return_url": return_url}
    return str(_call(client().v1.billing_portal.sessions.create, params).url)


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    return dict(_call(client().v1.subscriptions.retrieve, subscription_id).to_dict())


def delete_customer(customer_id: str) -> None:
    """Delete the customer (its email and name; Stripe cancels its subscriptions with it): the tenant was
    deleted."""
    _end(client().v1.customers.delete, customer_id)


def cancel_subscription(subscription_id: str) -> None:
    """Cancel at once (the tenant moved to another subscription through Checkout)."""
    _end(client().v1.subscriptions.cancel, subscription_id)


def _end(method: Any, object_id: str) -> None:
    """Cancel or delete; one that Stripe no longer has is already gone (a retried webhook or sweep must not
    fail on it forever)."""
    try:
        method(object_id)
    except stripe.InvalidRequestError as err:
        if err.code != "resource_missing":
            raise BillingUnavailable(REFUSED) from err
    except stripe.StripeError as err:
        raise BillingUnavailable(UNREACHABLE) from err
