"""Billing on the public site: Stripe's webhook endpoint."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import webhooks
from billing.models import StripeEvent


@csrf_exempt  # Stripe signs its requests; there is no browser session to protect
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Verify, store once, process. A failed event answers 500 so that Stripe delivers it again."""
    try:
        event = webhooks.verify_event(request.body, request.headers.get("Stripe-Signature"))
    except webhooks.WebhookNotConfigured as err:
        return JsonResponse({"detail": str(err)}, status=503)
    except webhooks.WebhookRefused as err:
        return JsonResponse({"detail": str(err)}, status=400)
    row = webhooks.do_receive_event(event)
    body = {"id": row.event_id, "state": row.state}
    return JsonResponse(body, status=500 if row.state == StripeEvent.State.FAILED else 200)
