from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register
from django.db.models.signals import post_delete, post_save


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
        from billing.api.authentication import PaymentRequired
        from billing.errors import BillingRefusal
        from billing.models import Plan, Subscription
        from billing.provisioning import PlanProvisioner
        from billing.quota import forget_plans
        from reelremix.api_errors import register_translation
        from tenants.hooks import add_provisioner

        add_provisioner(PlanProvisioner())
        register_translation(BillingRefusal, PaymentRequired)  # API views let refusals propagate: 402
        register(check_stripe)
        for model in (Plan, Subscription):
            post_save.connect(forget_plans, sender=model, dispatch_uid=f"forget-plans-{model.__name__}-saved")
            post_delete.connect(
                forget_plans, sender=model, dispatch_uid=f"forget-plans-{model.__name__}-deleted"
            )
