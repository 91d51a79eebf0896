"""Periodic tasks run on the scheduler's threads of a booted worker, survive their failures, and stop
with the worker."""

from __future__ import annotations

import threading
import time

import dramatiq
import pytest
from django.db import OperationalError

from reelremix import scheduler
from reelremix.scheduler import PeriodicTasks, register_periodic


@pytest.fixture
def tasks(monkeypatch, settings) -> dict:
    settings.RUN_PERIODIC_TASKS = True
    registry: dict = {}
    monkeypatch.setattr(scheduler, "_tasks", registry)
    return registry


def _until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_it_runs_tasks_on_its_own_threads_from_boot_until_shutdown(tasks):
    runs: list[str] = []
    register_periodic("tick", 0.1, lambda: runs.append(threading.current_thread().name))
    middleware = PeriodicTasks()
    middleware.after_worker_boot(dramatiq.get_broker(), worker=None)
    try:
        _until(lambda: len(runs) >= 3)
    finally:
        middleware.before_worker_shutdown(dramatiq.get_broker(), worker=None)
    stopped_at = len(runs)
    time.sleep(0.4)
    assert len(runs) == stopped_at  # nothing runs after the worker stopped
    assert threading.main_thread().name not in runs


def test_it_runs_a_task_again_after_it_failed(tasks):
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database system is shutting down")

    register_periodic("flaky", 0.1, flaky)
    middleware = PeriodicTasks()
    middleware.after_worker_boot(dramatiq.get_broker(), worker=None)
    try:
        _until(lambda: len(calls) >= 3)
    finally:
        middleware.before_worker_shutdown(dramatiq.get_broker(), worker=None)


def test_it_starts_nothing_when_periodic_tasks_are_off(tasks, settings):
    settings.RUN_PERIODIC_TASKS = False
    runs: list[int] = []
    register_periodic("tick", 0.05, lambda: runs.append(1))
    middleware = PeriodicTasks()
    middleware.after_worker_boot(dramatiq.get_broker(), worker=None)
    time.sleep(0.3)
    assert runs == [] and middleware.scheduler is None


def test_it_has_stage_recovery_registered():
    assert "recover stalled stages" in {task.name for task in scheduler.registered()}
