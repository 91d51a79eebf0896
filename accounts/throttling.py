"""Login throttling with django-axes: how attempts are keyed, how long a lock-out has left, and the page a
locked-out person sees. Axes' tables are shared (public schema) and reached from every tenant schema
through the search path, so one tenant's attempts must never be counted as another's."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tenants.context import current_schema_name


def attempt_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: "<schema>:<username>", since alice of acme and alice of globex are two
    people, and failures of one must not lock the other out."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return f"{current_schema_name()}:{username or ''}"


def seconds_locked(request: HttpRequest, username: str) -> int:
    """Seconds until the username may try again from this request's address (0: not locked out)."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 0
    last_failure = (
        AccessAttempt.objects.filter(
            username=attempt_username(request, {"username": username}),
            ip_address=get_client_ip_address(request),
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last_failure is None:
        return 0
    return max(0, math.ceil((last_failure + cool_off - timezone.now()).total_seconds()))


def lockout_page(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what the login page and the admin login answer during a lock-out."""
    # Axes' async middleware passes its credentials where the response goes: the form is the sure source.
    username = request.POST.get("username") or (credentials or {}).get("username") or ""
    wait = seconds_locked(request, username) or int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"username": username, "minutes": math.ceil(wait / 60)}
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response
