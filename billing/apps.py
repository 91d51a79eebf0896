from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


def check_stripe(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Billing works without Stripe (Free only); say so, and catch a half-done configuration."""
    if not settings.STRIPE_SECRET_KEY:
        return [
            Warning(
                "Stripe is not configured: paid plans are unavailable, only the Free plan can be chosen.",
                hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to sell paid plans.",
                id="billing.W001",
            )
        ]
    if not settings.STRIPE_WEBHOOK_SECRET:
        return [
            Warning(
                "STRIPE_WEBHOOK_SECRET is not set: payments can start but are never confirmed.",
                hint="In Stripe, add the endpoint https://<BASE_DOMAIN>/stripe/webhook/ and set its secret.",
                id="billing.W002",
            )
        ]
    return []


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        register(check_stripe)
