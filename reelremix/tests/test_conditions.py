"""The failure report's plugin: threads are counted by kind, and a failed test is noted with the machine's
state while a passing one is not."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from reelremix.tests import conditions


def test_it_counts_threads_by_kind_not_by_number_or_target():
    assert conditions._thread_kind("Thread-12 (serve_forever)") == "Thread"
    assert conditions._thread_kind("Thread-3") == "Thread"
    assert conditions._thread_kind("MainThread") == "MainThread"
    stop = threading.Event()
    started = [threading.Thread(target=stop.wait, name=f"probe-{n}") for n in range(2)]
    for thread in started:
        thread.start()
    try:
        assert "probe x2" in conditions._threads()
    finally:
        stop.set()
        for thread in started:
            thread.join()


def test_it_notes_a_failure_with_the_machines_state_and_not_a_pass(monkeypatch):
    monkeypatch.setattr(conditions, "_conditions", conditions.Conditions())
    report = SimpleNamespace(nodeid="app/tests/test_x.py::test_y", when="call", duration=2.5, failed=False)
    conditions.pytest_runtest_logreport(report)  # type: ignore[arg-type]
    assert conditions._conditions.failures == []
    conditions.pytest_runtest_logreport(SimpleNamespace(**{**vars(report), "failed": True}))  # type: ignore[arg-type]
    (line,) = conditions._conditions.failures
    assert line.startswith("app/tests/test_x.py::test_y (call, 2.5 s): load ")
    assert "MB available" in line and "open files" in line and "MainThread" in line
    assert conditions._conditions.min_available_mb is not None  # the run's least free memory, sampled
