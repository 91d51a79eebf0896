"""Project-level views served on every host."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from reelremix.redis_pools import shared_client


def _database_ok() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis_ok(url: str) -> Callable[[], None]:
    def probe() -> None:
        shared_client(url, socket_timeout=2, socket_connect_timeout=2).ping()

    return probe


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache/channel Redis and the task broker all answer, else 503."""
    probes = {
        "database": _database_ok,
        "redis": _redis_ok(settings.CHANNELS_REDIS_URL),
        "broker": _redis_ok(settings.BROKER_URL),
    }
    checks: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as err:  # a health check reports every failure, whatever its type
            checks[name] = f"error: {type(err).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
