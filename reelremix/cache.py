"""The shared cache on Redis, failing soft: while Redis cannot be reached, a read misses and a write is
dropped instead of raising. Everything kept in this cache only counts or saves time (API rate limits, query
vectors, loudness curves), so a Redis outage must not fail the requests that use it: the README promises that
pages and the API keep answering while Redis restarts. Rate limits are not enforced meanwhile.

After a failure the process leaves Redis alone for RETRY_AFTER seconds, so that a server that does not answer
(its address unreachable, not refusing) costs one request the socket timeout, not every request."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from reelremix.redis_outage import REDIS_OUTAGE

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without a try after Redis failed

_lock = threading.Lock()
# Until when each server list is left alone; module-level, since ASGI builds a cache backend per request.
_down_until: dict[tuple[str, ...], float] = {}


def _outage_wait(servers: tuple[str, ...]) -> bool:
    """Whether the process still leaves these servers alone after a failure."""
    return time.monotonic() < _down_until.get(servers, 0.0)


def _failing_soft(method: Callable[..., Any], missed: Callable[..., Any]) -> Callable[..., Any]:
    """`method` of the client, answering `missed(*args)` while its Redis is away."""

    @functools.wraps(method)
    def soft(client: FailSoftRedisCacheClient, *args: Any) -> Any:
        servers = client.servers
        if _outage_wait(servers):
            return missed(*args)
        try:
            return method(client, *args)
        except REDIS_OUTAGE as error:
            with _lock:
                first = not _outage_wait(servers)
                _down_until[servers] = time.monotonic() + RETRY_AFTER
            if first:
                log.warning("The cache's Redis is unreachable; reads miss and writes are dropped: %s", error)
            return missed(*args)

    return soft


def _false(*_: Any) -> bool:
    return False


def _nothing(*_: Any) -> None:
    return None


class FailSoftRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client whose reads miss and writes are dropped while Redis is away."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self.servers = tuple(servers)

    add = _failing_soft(RedisCacheClient.add, _false)
    get = _failing_soft(RedisCacheClient.get, lambda key, default: default)
    set = _failing_soft(RedisCacheClient.set, _nothing)
    touch = _failing_soft(RedisCacheClient.touch, _false)
    delete = _failing_soft(RedisCacheClient.delete, _false)
    get_many = _failing_soft(RedisCacheClient.get_many, lambda keys: {})
    has_key = _failing_soft(RedisCacheClient.has_key, _false)
    set_many = _failing_soft(RedisCacheClient.set_many, _nothing)
    delete_many = _failing_soft(RedisCacheClient.delete_many, _nothing)


class FailSoftRedisCache(RedisCache):
    """CACHES' backend: Django's Redis cache on FailSoftRedisCacheClient (`incr`, `decr` and `clear` still
    raise: nothing here uses them, and a counter that silently stops is no counter)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
