"""Token authentication (accounts' knox tokens) that also asks billing: API access is a plan feature."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from accounts.authentication import ApiTokenAuthentication
from billing import quota
from billing.errors import FeatureNotInPlan
from billing.models import Plan
from tenants.context import current_schema_name


class PaymentRequired(APIException):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_code = "payment_required"

    def __init__(self, refusal: FeatureNotInPlan) -> None:
        super().__init__(refusal.as_dict())


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
