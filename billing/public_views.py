"""Billing on the public site: self-serve signup and Stripe's webhook endpoint."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import services, signup, stripe_api, webhooks
from billing.errors import BillingUnavailable
from billing.forms import SignupForm
from billing.models import StripeEvent


def signup_page(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site_url = f"{request.scheme}://{data['slug']}.{request.get_host()}"
        try:
            next_url = signup.do_signup(
                data["name"], data["slug"], data["email"], data["password"], data["plan"], site_url
            )
        except ValidationError as err:  # e.g. the slug was taken a moment ago
            form.add_error(None, err)
        except BillingUnavailable as err:
            form.add_error("plan", str(err))
        else:
            return redirect(next_url)
    context = {
        "form": form,
        "plans": services.offered_plans(),
        "stripe_enabled": stripe_api.stripe_enabled(),
        "not_configured": stripe_api.NOT_CONFIGURED,
    }
    return render(request, "billing/signup.html", context, status=400 if form.errors else 200)


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
