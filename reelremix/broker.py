"""The Dramatiq broker, configured from settings, with database-connection hygiene for workers."""

from __future__ import annotations

from typing import Any

import dramatiq
from django.conf import settings
from django.db import close_old_connections, connections
from dramatiq.broker import Consumer, MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import CurrentMessage, Middleware, Retries, ShutdownNotifications

from reelremix.gpu import PreloadModels
from reelremix.observability.messages import MessageContext, WorkerPresence
from reelremix.scheduler import PeriodicTasks


class DbConnectionsMiddleware(Middleware):
    """Close stale or broken connections around every message, as Django does around requests."""

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        close_old_connections()

    def after_process_message(
        self, broker: dramatiq.Broker, message: MessageProxy, *, result: Any = None, exception: Any = None
    ) -> None:
        close_old_connections()

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        close_old_connections()

    def before_worker_thread_shutdown(self, broker: dramatiq.Broker, thread: Any) -> None:
        connections.close_all()


class PromptRedisBroker(RedisBroker):
    """Dramatiq's Redis broker, whose consumers look at an empty queue at least every DRAMATIQ_IDLE_POLL_MS.

    A consumer that finds its queue empty backs off, doubling its sleep up to the worker's timeout, which
    Dramatiq's command line sets to 1 s: a stage queued while the next stage's consumer sleeps waited 0.4 s
    on average, and a moderation job hands over five times on its critical path (about 2 s of a 30 s job).
    """

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Consumer:
        return super().consume(queue_name, prefetch, min(timeout, settings.DRAMATIQ_IDLE_POLL_MS))


def build_broker() -> RedisBroker:
    broker = PromptRedisBroker(
        url=settings.BROKER_URL,
        namespace=f"{settings.REDIS_NAMESPACE}:dramatiq",
        # A worker silent this long is dead: its unacknowledged messages go back to the queue.
        heartbeat_timeout=settings.DRAMATIQ_HEARTBEAT_TIMEOUT_MS,
        maintenance_chance=settings.DRAMATIQ_MAINTENANCE_CHANCE,
    )
    broker.add_middleware(DbConnectionsMiddleware())
    broker.add_middleware(CurrentMessage())
    # First: its "before" hooks run first and its "after" hooks last, so every line a message's handling
    # logs (retries, the engine's failing of a job) carries the message's request, tenant and job.
    broker.add_middleware(MessageContext(), before=type(broker.middleware[0]))
    broker.add_middleware(WorkerPresence())
    from media_jobs.middleware import (
        FailJobWhenMessageFails,
        HandBackStagesOnShutdown,
        StageShutdownNotifications,
    )

    # "after" hooks run in reverse order: placed before Retries, it sees Retries' verdict.
    broker.add_middleware(FailJobWhenMessageFails(), before=Retries)
    # Stages go back to the queue before their threads are interrupted; a message taken after that is not.
    broker.middleware = [
        StageShutdownNotifications() if type(middleware) is ShutdownNotifications else middleware
        for middleware in broker.middleware
    ]
    broker.add_middleware(HandBackStagesOnShutdown(), before=ShutdownNotifications)
    broker.add_middleware(PeriodicTasks())
    broker.add_middleware(PreloadModels())
    for queue_name in settings.DRAMATIQ_QUEUES:
        broker.declare_queue(queue_name)
    return broker


def setup_broker() -> RedisBroker:
    """Install the broker globally; must run before any actor module is imported."""
    broker = build_broker()
    dramatiq.set_broker(broker)
    return broker
