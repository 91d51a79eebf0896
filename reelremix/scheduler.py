"""Periodic work, run inside every worker process by APScheduler's BackgroundScheduler.

Apps register tasks at start-up (`register_periodic` from their AppConfig.ready); the Dramatiq middleware
below starts the scheduler when a worker process boots and stops it when the worker stops. Every worker
runs every task, so the work survives any one worker; a task that must run once at a time across the
deployment takes a lock of its own (recovery takes a PostgreSQL advisory lock). Tasks run on the
scheduler's own threads, never behind a backlog of media messages on busy worker threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dramatiq
from apscheduler.schedulers.background import BackgroundScheduler
from django.conf import settings
from django.db import DatabaseError, connections
from dramatiq.middleware import Middleware
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    seconds: float
    run: Callable[[], Any]


_tasks: dict[str, PeriodicTask] = {}


def register_periodic(name: str, seconds: float, run: Callable[[], Any]) -> None:
    """Run `run` every `seconds` in every worker process (first run at boot)."""
    _tasks[name] = PeriodicTask(name, seconds, run)


def registered() -> list[PeriodicTask]:
    return list(_tasks.values())


def _guarded(task: PeriodicTask) -> Callable[[], None]:
    def run() -> None:
        try:
            task.run()
        except (DatabaseError, RedisError) as error:  # a server restarting: one line, the next run retries
            logger.warning("Periodic task %r: %s", task.name, str(error).strip().splitlines()[0])
        except Exception:
            logger.exception("Periodic task %r failed", task.name)
        finally:
            connections.close_all()  # this scheduler thread's connections, back to the pool

    return run


class PeriodicTasks(Middleware):
    """Starts the scheduler in each worker process (unless RUN_PERIODIC_TASKS is off)."""

    def __init__(self) -> None:
        self.scheduler: BackgroundScheduler | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        if not settings.RUN_PERIODIC_TASKS:
            return
        # coalesce + max_instances=1: a slow run is never stacked behind itself.
        scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1})
        for task in _tasks.values():
            scheduler.add_job(
                _guarded(task),
                "interval",
                seconds=task.seconds,
                id=task.name,
                next_run_time=datetime.now(UTC),
            )
        scheduler.start()
        self.scheduler = scheduler

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
