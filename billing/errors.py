"""What billing refuses, typed: the API answers 402 Payment Required, pages show the message."""

from __future__ import annotations

UPGRADE_URL = "/billing/"  # the tenant site's billing page: plans, Checkout and the Customer Portal


class BillingRefusal(Exception):
    """The tenant's plan does not pay for this. `limit` names what was hit; the message is for users;
    `code` names the kind of refusal for programs (the API's error code)."""

    code = "payment_required"

    def __init__(self, limit: str, message: str, upgrade_url: str = UPGRADE_URL) -> None:
        super().__init__(message)
        self.limit, self.message, self.upgrade_url = limit, message, upgrade_url


class QuotaExceeded(BillingRefusal):
    """A quota of the plan (minutes this period, storage, concurrent jobs) would be exceeded."""

    code = "quota_exceeded"


class FeatureNotInPlan(BillingRefusal):
    """The plan does not include the feature (clips, recap, upscale, API access, priority queue)."""

    code = "feature_not_in_plan"


class SubscriptionReadOnly(BillingRefusal):
    """Payment failed and the grace period is over: no new work, everything else keeps working."""

    code = "subscription_read_only"


class BillingUnavailable(Exception):
    """Paid plans cannot be sold now: Stripe is not configured, or it did not answer. Message for users."""
