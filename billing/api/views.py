from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import quota
from billing.api.serializers import BillingSerializer
from billing.services import read_only_since
from tenants.context import current_schema_name


class BillingView(APIView):
    """The caller's tenant: its plan, subscription status and usage this period."""

    @extend_schema(responses={200: BillingSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subscription = quota.subscription_for_schema(current_schema_name())
        body = {
            "plan": subscription.plan,
            "status": subscription.status,
            "new_jobs_blocked": read_only_since(subscription) is not None,
            "usage": quota.usage_of(subscription),
        }
        return Response(BillingSerializer(body).data)
