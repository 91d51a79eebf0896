"""A pytest plugin that says what the machine was like when tests failed.

A failure that only happens on a loaded or starved machine (a CI host shared with others, a leaked
worker thread, memory running out) reads, in a bare report, like any other. So at every test's end this
samples the load average and the memory available, and for each failure it notes those together with
this process's threads (by name) and open files. The terminal summary, printed last where a CI log's
tail shows it, gives one line per failure and one for the whole run, with the share of CPU time the host
took away from this machine (steal).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROC = Path("/proc")


@dataclass
class Conditions:
    """The run's extremes, its CPU counters at the start, and a line per failure."""

    cpu_at_start: list[int] = field(default_factory=list)
    max_load: float = 0.0
    min_available_mb: int | None = None
    failures: list[str] = field(default_factory=list)


_conditions = Conditions()


def _cpu_counters() -> list[int]:
    """/proc/stat's first line: user, nice, system, idle, iowait, irq, softirq, steal (jiffies)."""
    try:
        return [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return []


def _available_mb() -> int | None:
    try:
        for line in (PROC / "meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return None


def _open_files() -> int:
    try:
        return len(os.listdir(PROC / "self" / "fd"))
    except OSError:
        return -1


def _thread_kind(name: str) -> str:
    """A thread's name without its target and number: "Thread-12 (serve_forever)" is "Thread"."""
    return name.split(" (")[0].rstrip("0123456789-_ ") or name


def _threads() -> str:
    """This process's threads, counted by kind."""
    names = Counter(_thread_kind(thread.name) for thread in threading.enumerate())
    return ", ".join(f"{name} x{count}" if count > 1 else name for name, count in names.most_common())


def pytest_sessionstart(session: pytest.Session) -> None:
    _conditions.cpu_at_start = _cpu_counters()


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    load = os.getloadavg()[0]
    available = _available_mb()
    _conditions.max_load = max(_conditions.max_load, load)
    if available is not None:
        current = _conditions.min_available_mb
        _conditions.min_available_mb = available if current is None else min(current, available)
    if report.failed:
        _conditions.failures.append(
            f"{report.nodeid} ({report.when}, {report.duration:.1f} s): load {load:.1f}, "
            f"{available} MB available, {_open_files()} open files, threads: {_threads()}"
        )


def _steal_share() -> str:
    """The share of CPU time since the session started that the host gave to others (steal)."""
    now = _cpu_counters()
    if len(now) < 8 or len(_conditions.cpu_at_start) < 8:
        return "unknown"
    spent = [after - before for after, before in zip(now, _conditions.cpu_at_start, strict=True)]
    total = sum(spent)
    return f"{100 * spent[7] / total:.1f} %" if total else "unknown"


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    write = terminalreporter.write_line
    terminalreporter.section("machine conditions")
    for line in _conditions.failures:
        write(f"failed: {line}")
    write(
        f"whole run: highest load {_conditions.max_load:.1f} on {os.cpu_count()} cores, "
        f"least memory available {_conditions.min_available_mb} MB, "
        f"CPU time stolen by the host {_steal_share()}"
    )
