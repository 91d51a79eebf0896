"""The tokens page of a tenant's site: a user's own API tokens, made (the key shown once), listed and
revoked."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import TokenForm


def _owner(request: HttpRequest) -> AbstractBaseUser:
    return cast(AbstractBaseUser, request.user)


def _page(request: HttpRequest, form: TokenForm, status: int = 200, **context: Any) -> HttpResponse:
    tokens = services.live_tokens(_owner(request))
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, **context}, status=status)


@login_required
@never_cache  # the answer to a POST holds a key
def tokens_page(request: HttpRequest) -> HttpResponse:
    """GET: the list and the form. POST: a new token, whose key this one answer shows (never stored)."""
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, key = services.do_create_token(
            _owner(request), form.cleaned_data["name"], form.cleaned_data["lifetime"]
        )
    except services.TooManyTokens as refusal:
        form.add_error(None, refusal.message)
        return _page(request, form, status=409)
    return _page(request, TokenForm(), new_token=token, new_key=key)


@login_required
@require_POST
def revoke_token(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    if not services.do_revoke_token(_owner(request), uid):
        raise Http404("You have no token with this id.")
    messages.info(request, "Token revoked: it no longer authenticates.")
    return redirect("tokens")


@login_required
@require_POST
def revoke_all_tokens(request: HttpRequest) -> HttpResponse:
    revoked = services.do_revoke_all_tokens(_owner(request))
    messages.info(request, f"Revoked {revoked} token(s).")
    return redirect("tokens")
