"""Signed, expiring links to stored media. The API hands these out, so an integrator can give a file's
link to a player, a CDN or a colleague without its API token; the link works on the tenant's own host
until it expires (MEDIA_LINK_SECONDS), for that one path. Pages need none: their session is enough."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.signing import Signer
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from tenants.context import current_schema_name

_SIGNER = Signer(salt="reelremix.media-link")


def _signature(path: str, expires: int) -> str:
    # The schema is signed with the path: a link made for one tenant opens nothing on another's host.
    return _SIGNER.signature(f"{current_schema_name()}\n{path}\n{expires}")


def signed(path: str, seconds: int | None = None) -> str:
    """`path` with `expires` (unix seconds) and `signature` query parameters."""
    expires = int(time.time()) + (settings.MEDIA_LINK_SECONDS if seconds is None else seconds)
    return f"{path}?{urlencode({'expires': expires, 'signature': _signature(path, expires)})}"


def signed_reverse(name: str, *args: object) -> str:
    return signed(reverse(name, args=args))


def link_refusal(request: Request) -> str | None:
    """Why the request's signed link does not open its path; None when it does."""
    expires, signature = request.query_params.get("expires", ""), request.query_params.get("signature", "")
    if not expires.isdigit() or not constant_time_compare(signature, _signature(request.path, int(expires))):
        return "This link is not valid: ask for a new one through the API."
    if int(expires) < time.time():
        return "This link has expired: ask for a new one through the API."
    return None


class SignedLinkOrAuthenticated(BasePermission):
    """A logged-in user or a token of this tenant; else a valid, unexpired signed link for this path."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.user and request.user.is_authenticated:
            return True
        if "signature" not in request.query_params:
            return False  # answered 401/403 like any unauthenticated request
        refusal = link_refusal(request)
        if refusal is not None:
            raise PermissionDenied(refusal)
        return True
