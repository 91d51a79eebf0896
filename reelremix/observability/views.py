"""Probes and the scrape, served on every host: /healthz/live (the process answers), /healthz/ready (it
can do its work: 503 otherwise, with what failed), /healthz (kept for older probes: the readiness check),
and /metrics on the platform's host, for a holder of METRICS_TOKEN."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from reelremix.observability import queues
from reelremix.observability.metrics import exposition
from reelremix.redis_pools import shared_client


def _database_ok() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis_ok(url: str) -> Callable[[], None]:
    def probe() -> None:
        shared_client(url, socket_timeout=2, socket_connect_timeout=2).ping()

    return probe


class StaleQueue(Exception):
    """A message has waited longer than READY_MAX_QUEUE_AGE_SECONDS: the workers are not keeping up."""


def _queues_fresh() -> None:
    limit = settings.READY_MAX_QUEUE_AGE_SECONDS
    if not limit:
        return
    stale = [q for q in queues.queue_states(queues.broker_client()) if q.oldest_age > limit]
    if stale:
        waits = ", ".join(f"{q.name} {q.oldest_age:.0f} s" for q in stale)
        raise StaleQueue(f"oldest message waited longer than {limit} s: {waits}")


def _describe(error: Exception) -> str:
    return f"error: {error}" if isinstance(error, StaleQueue) else f"error: {type(error).__name__}"


@never_cache
def live(request: HttpRequest) -> JsonResponse:
    """200 while the process answers at all: restart it only when this fails."""
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache/channel Redis and the broker answer and no queue has a message older
    than READY_MAX_QUEUE_AGE_SECONDS; else 503 with each check's answer (send no traffic here meanwhile)."""
    probes = {
        "database": _database_ok,
        "redis": _redis_ok(settings.CHANNELS_REDIS_URL),
        "broker": _redis_ok(settings.BROKER_URL),
        "queues": _queues_fresh,
    }
    checks: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as err:  # a health check reports every failure, whatever its type
            checks[name] = _describe(err)
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, for `Authorization: Bearer <METRICS_TOKEN>`; refused without it."""
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponse(
            "Metrics are off: set METRICS_TOKEN and scrape with 'Authorization: Bearer <token>'.\n",
            status=403, content_type="text/plain",
        )  # fmt: skip
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        refused = HttpResponse(
            "A valid 'Authorization: Bearer <METRICS_TOKEN>' header is required.\n",
            status=401, content_type="text/plain",
        )  # fmt: skip
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
