"""Redis connection pools shared by the whole process.

Under ASGI, Django builds a cache backend per request context, and its Redis client makes a pool per
instance: every request opened (and dropped) a TCP connection. These pools are made once per URL and
options; redis-py's pools notice a fork and reconnect in the child."""

from __future__ import annotations

import threading
from typing import Any

import redis

_lock = threading.Lock()
_pools: dict[tuple[str, str], redis.ConnectionPool] = {}


class SharedConnectionPool(redis.ConnectionPool):
    """`from_url` returns the process's one pool for that URL (CACHES' `pool_class`)."""

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> redis.ConnectionPool:  # type: ignore[override]
        key = (url, repr(sorted(kwargs.items())))
        with _lock:
            if key not in _pools:
                _pools[key] = redis.ConnectionPool.from_url(url, **kwargs)
            return _pools[key]


def shared_client(url: str, **options: Any) -> redis.Redis:
    """A client on the process's pool for `url`."""
    return redis.Redis(connection_pool=SharedConnectionPool.from_url(url, **options))
