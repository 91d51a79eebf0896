"""API rate limits: per token (an authenticated user) and per client IP (anonymous calls), counted in the
shared Redis cache so that every web process sees the same counts. Over the rate, DRF answers 429 with
Retry-After (in the API's error shape, reelremix.api_errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:  # rest_framework.views imports the throttle classes as it loads
    from rest_framework.views import APIView


class _SettingsRateThrottle(SimpleRateThrottle):
    """The rate is read from settings when a request comes (DRF reads its own once, at import)."""

    setting_name = ""

    def get_rate(self) -> str | None:
        return str(getattr(settings, self.setting_name)) or None


class TokenRateThrottle(_SettingsRateThrottle):
    """API_RATE_USER per user. User ids repeat across tenants, so the key names the tenant's schema too
    (the cache's key function adds it again: django_tenants.cache.make_key)."""

    scope = "user"
    setting_name = "API_RATE_USER"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # AnonRateThrottle's business
        schema = connection.schema_name  # type: ignore[attr-defined]  # django-tenants' connection
        return self.cache_format % {"scope": self.scope, "ident": f"{schema}:{request.user.pk}"}


class AnonRateThrottle(_SettingsRateThrottle):
    """API_RATE_ANON per client IP (REMOTE_ADDR, or X-Forwarded-For past API_TRUSTED_PROXIES proxies)."""

    scope = "anon"
    setting_name = "API_RATE_ANON"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
