"""The cache's Redis away (killed, restarting, not answering): API calls still answer, with rate limits
uncounted meanwhile; the cache misses and drops writes; a Redis that never answers costs one call the socket
timeout, not every call; and the cache is used again once Redis is back. Each case runs against a Redis
server of its own (the suite's stays up)."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from reelremix import cache as fail_soft
from reelremix import embedded
from reelremix.settings import redis_consumers


def _cache_at(settings, url: str) -> None:
    _, caches = redis_consumers("reelremix-cache-outage")
    caches["default"]["LOCATION"] = url
    settings.CACHES = caches  # the cache handler starts afresh on the new settings


@pytest.fixture
def own_redis(tmp_path: Path, free_port: int, settings) -> Iterator[Path]:
    """A Redis server of this test's, which the cache uses; yields its folder (redis/redis.pid)."""
    embedded.ensure_redis(tmp_path, free_port)
    _cache_at(settings, f"redis://127.0.0.1:{free_port}/2")
    yield tmp_path
    embedded.stop_redis(tmp_path, free_port)


def _kill(redis_dir: Path, port: int) -> None:
    os.kill(int((redis_dir / "redis" / "redis.pid").read_text()), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while embedded.port_is_open(port):
        assert time.monotonic() < deadline, "Redis did not die"
        time.sleep(0.05)


def test_the_api_answers_while_the_caches_redis_is_killed_and_uses_it_again_once_back(
    own_redis, free_port, world, settings, monkeypatch
):
    monkeypatch.setattr(fail_soft, "RETRY_AFTER", 0.5)
    settings.API_RATE_USER = "2/minute"
    api = Client(HTTP_HOST=world.alice.host, HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    assert [api.get("/api/v1/jobs/").status_code for _ in range(3)] == [200, 200, 429]  # counted in Redis

    _kill(own_redis, free_port)
    assert [api.get("/api/v1/jobs/").status_code for _ in range(3)] == [200, 200, 200]  # uncounted meanwhile
    cache.set("written", "while away", 60)  # dropped, not raised
    assert cache.get("written", "missed") == "missed"
    assert cache.add("added", 1) is False and cache.get_many(["written"]) == {}

    embedded.ensure_redis(own_redis, free_port)
    time.sleep(0.6)  # RETRY_AFTER
    cache.set("written", "after", 60)
    assert cache.get("written") == "after"
    bob = Client(HTTP_HOST=world.bob.host, HTTP_AUTHORIZATION=f"Token {world.bob.token}")
    assert [bob.get("/api/v1/jobs/").status_code for _ in range(3)] == [200, 200, 429]  # counted again


def test_a_redis_that_never_answers_costs_one_call_the_socket_timeout(settings, monkeypatch):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        _cache_at(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/2")
        started = time.monotonic()
        assert cache.get("anything", "missed") == "missed"
        first = time.monotonic() - started
        started = time.monotonic()
        assert cache.get("anything", "missed") == "missed"
        assert cache.set("anything", 1, 60) is None
        second = time.monotonic() - started
    assert 1.5 <= first < 5  # the socket timeout (2 s)
    assert second < 0.2  # left alone for RETRY_AFTER


def test_a_refusing_redis_is_logged_once_not_at_every_call(settings, free_port, caplog):
    _cache_at(settings, f"redis://127.0.0.1:{free_port}/2")  # nothing listens there
    with caplog.at_level("WARNING", logger="reelremix.cache"):
        for _ in range(5):
            assert cache.get("anything", "missed") == "missed"
    warnings = [record.getMessage() for record in caplog.records if record.name == "reelremix.cache"]
    assert len(warnings) == 1 and "unreachable" in warnings[0] and "Connection refused" in warnings[0]
