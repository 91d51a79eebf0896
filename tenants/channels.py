"""Tenant resolution and session authentication for WebSockets.

django-tenants only routes HTTP. Here the Host header picks the tenant, and the session cookie is
read from that tenant's own schema, so a session of one tenant is unknown on another's host.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from types import SimpleNamespace
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.utils.module_loading import import_string
from django_tenants.utils import schema_context

from tenants.resolution import tenant_for_host

Scope = dict[str, Any]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _hostname(scope: Scope) -> str:
    host = _header(scope, b"host").strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _session_key(scope: Scope) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(_header(scope, b"cookie"))
    except CookieError:
        return None
    morsel = cookie.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel else None


@database_sync_to_async
def _resolve(hostname: str, session_key: str | None) -> tuple[Any, Any]:
    """(tenant, user) for a host and session key; (None, anonymous) for an unknown host."""
    tenant = tenant_for_host(hostname)
    if tenant is None:
        return None, AnonymousUser()
    if not session_key or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return tenant, AnonymousUser()
    with schema_context(tenant.schema_name):
        session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
        user = get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    return tenant, user


class TenantAuthMiddleware:
    """Put `tenant` and `user` in the scope; refuse the connection for hosts that are no tenant's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        tenant, user = await _resolve(_hostname(scope), _session_key(scope))
        if tenant is None:
            await send({"type": "websocket.close", "code": 4404})
            return None
        return await self.inner({**scope, "tenant": tenant, "user": user}, receive, send)
