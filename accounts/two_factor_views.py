"""The two-factor page of a tenant's site: a user's own authenticator, and an owner's rule for the admin."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from accounts import two_factor


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Set an authenticator up (QR code, then a code), remove it, and, for owners, require it in the admin."""
    user, tenant = request.user, request.tenant  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            _act(request, request.POST.get("action", ""))
        except two_factor.TwoFactorRefusal as refusal:
            messages.error(request, refusal.message)
        return redirect("two_factor")
    device = two_factor.pending(user)  # type: ignore[arg-type]
    qr = (
        segno.make(device.config_url, error="m").svg_inline(scale=4, title="Authenticator QR code")
        if device
        else ""
    )
    context = {
        "authenticator": two_factor.authenticator(user),  # type: ignore[arg-type]
        "pending": device,
        "qr": mark_safe(qr),  # noqa: S308  (segno's SVG of our own URI)
        "secret": device and _grouped(device),
        "tenant": tenant,
        "can_require": user.is_superuser,  # type: ignore[union-attr]
    }
    return render(request, "accounts/two_factor.html", context)


def _act(request: HttpRequest, action: str) -> None:
    user, code = request.user, request.POST.get("code", "")
    if action == "start":
        two_factor.do_start(user)  # type: ignore[arg-type]
    elif action == "confirm":
        otp_login(request, two_factor.do_confirm(user, code))  # type: ignore[arg-type]  # this session passed
        messages.success(request, "Your authenticator is set up: the admin will ask for its code.")
    elif action == "remove":
        two_factor.do_remove(user, code, request.tenant)  # type: ignore[arg-type, attr-defined]
        messages.success(request, "Your authenticator was removed.")
    elif action in ("require", "allow"):
        two_factor.do_require_for_admin(request.tenant, user, action == "require")  # type: ignore[arg-type, attr-defined]
        messages.success(request, "Saved.")


def _grouped(device: two_factor.TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
