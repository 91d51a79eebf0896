"""Token authentication (accounts' knox tokens) that also asks billing: API access is a plan feature."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import status
from rest_framework.request import Request

from accounts.authentication import ApiTokenAuthentication
from billing import quota
from billing.errors import BillingRefusal, FeatureNotInPlan
from billing.models import Plan
from reelremix.api_errors import ApiError
from tenants.context import current_schema_name


class PaymentRequired(ApiError):
    """Any billing refusal in the API's error shape: 402, what was hit and where to upgrade."""

    def __init__(self, refusal: BillingRefusal) -> None:
        details = {"limit": refusal.limit, "upgrade_url": refusal.upgrade_url}
        super().__init__(status.HTTP_402_PAYMENT_REQUIRED, refusal.code, refusal.message, details)


class PlanTokenAuthentication(ApiTokenAuthentication):
    """A valid token of a tenant whose plan lacks API access is answered 402, naming the upgrade path.
    Session logins (the tenant's own pages) are not API customers and are not affected."""

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, Any] | None:
        found = super().authenticate(request)
        if found is not None:
            try:
                quota.require_feature(current_schema_name(), Plan.Feature.API_ACCESS)
            except FeatureNotInPlan as refusal:
                raise PaymentRequired(refusal) from None
        return found
