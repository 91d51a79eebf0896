"""The broker's state, read from Redis when asked (a scrape, a readiness probe): how many messages wait in
each queue and how long the oldest has waited, and how many worker processes are alive.

Dramatiq's Redis broker (2.x) keeps each queue Q as a list `<namespace>:Q` of message ids, pushed at the
tail and fetched from the head, and the messages in the hash `<namespace>:Q.msgs`; the head is the message
that has waited longest, and its body holds `message_timestamp` (ms since the epoch, kept by retries).
Workers are counted from a sorted set of their own (`WorkerPresence` in `messages`): Dramatiq's heartbeats
set also holds every web process that sent a message."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import redis
from django.conf import settings

from reelremix.redis_pools import shared_client

PRESENCE_KEY = "workers"  # under REDIS_NAMESPACE: worker process -> when it last said it is alive


@dataclass(frozen=True)
class QueueState:
    name: str
    depth: int  # messages waiting for a worker (not those fetched, nor those delayed for a retry)
    oldest_age: float  # seconds the head of the queue has waited; 0 when the queue is empty


def broker_client() -> redis.Redis:
    """A client of the broker's Redis that gives up quickly: probes and scrapes must answer."""
    return shared_client(settings.BROKER_URL, socket_timeout=2, socket_connect_timeout=2)


def _namespace() -> str:
    return f"{settings.REDIS_NAMESPACE}:dramatiq"  # as reelremix.broker names it


def queue_states(client: redis.Redis) -> list[QueueState]:
    """Every declared queue, in the order of DRAMATIQ_QUEUES."""
    names = [f"{_namespace()}:{queue}" for queue in settings.DRAMATIQ_QUEUES]
    with client.pipeline(transaction=False) as pipe:
        for name in names:
            pipe.llen(name)
            pipe.lindex(name, 0)
        replies = pipe.execute()
    with client.pipeline(transaction=False) as pipe:
        for name, head in zip(names, replies[1::2], strict=True):
            pipe.hget(f"{name}.msgs", head or "")
        bodies = pipe.execute()
    now_ms = time.time() * 1000
    return [
        QueueState(queue, depth, _age_seconds(body, now_ms))
        for queue, depth, body in zip(settings.DRAMATIQ_QUEUES, replies[0::2], bodies, strict=True)
    ]


def _age_seconds(body: bytes | None, now_ms: float) -> float:
    if not body:
        return 0.0  # empty, or the head was fetched between the two reads
    return max(0.0, (now_ms - json.loads(body)["message_timestamp"]) / 1000)


def _presence_key() -> str:
    return f"{settings.REDIS_NAMESPACE}:{PRESENCE_KEY}"


def say_worker_alive(client: redis.Redis, worker: str) -> None:
    client.zadd(_presence_key(), {worker: time.time()})


def say_worker_gone(client: redis.Redis, worker: str) -> None:
    client.zrem(_presence_key(), worker)


def live_workers(client: redis.Redis) -> int:
    """Worker processes heard from within three presence intervals (one killed outright drops out then)."""
    since = time.time() - 3 * settings.WORKER_PRESENCE_SECONDS
    client.zremrangebyscore(_presence_key(), "-inf", f"({since}")
    return int(client.zcard(_presence_key()))
