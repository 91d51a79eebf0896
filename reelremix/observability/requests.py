"""The Django middleware of operations, first in MIDDLEWARE: each request gets its id (the client's or the
proxy's X-Request-ID when sane, else a new one) bound to its log lines and to the messages it sends, is timed
into the latency histogram by route name, and leaves one log line (probes and scrapes excepted)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from reelremix.observability import context, metrics

logger = logging.getLogger("reelremix.requests")

UNRESOLVED = "unresolved"  # answered before URL resolution: static files, unknown hosts
QUIET_ROUTES = frozenset({"healthz", "healthz_live", "healthz_ready", "metrics"})  # polled every few seconds


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = context.request_id_from(request.headers.get(context.REQUEST_ID_HEADER))
        started = time.perf_counter()
        with context.bound(request_id=request_id):
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = request.resolver_match.view_name if request.resolver_match else UNRESOLVED
            metrics.observe_request(route, request.method or "", response.status_code, seconds)
            if route not in QUIET_ROUTES:
                logger.info(
                    "%s %s %s in %.0f ms", request.method, route, response.status_code, seconds * 1000,
                    extra={"method": request.method, "route": route, "status": response.status_code,
                           "duration_ms": round(seconds * 1000, 1)},
                )  # fmt: skip
        response[context.REQUEST_ID_HEADER] = request_id
        return response
