"""The role policy (`team.roles`) for the site's pages, before any view runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from team import roles
from tenants.admin_sites import on_tenant_site

API_PREFIX = "/api/"


class RoleMiddleware:
    """Refuses an unsafe request of a logged-in user whose role does not allow it, with a page saying why.
    The API is left to `team.permissions.RolePermission`, which answers in the API's own error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not on_tenant_site(request) or request.path.startswith(API_PREFIX):
            return None
        reason = roles.refusal(request.user, request.method or "", request.resolver_match, request.path)
        if reason is None:
            return None
        return render(request, "team/refused.html", {"reason": reason}, status=403)
