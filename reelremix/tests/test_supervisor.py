"""`reelremix up`'s supervisor starts a dead child again after a backoff, keeps the others running, and
stops them all on request."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from reelremix import supervisor
from reelremix.supervisor import Supervisor, describe_exit

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
QUITTER = [sys.executable, "-c", "import sys; sys.exit(3)"]


@pytest.fixture
def children(tmp_path, monkeypatch):
    monkeypatch.setattr(supervisor, "FIRST_BACKOFF", 0.2)
    lines: list[str] = []
    started = Supervisor(env=dict(os.environ), cwd=tmp_path, log=lines.append)
    yield started, lines
    started.stop(timeout=5)


def _tend_until(children: Supervisor, predicate, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        children.tend()
        time.sleep(0.05)


def test_it_starts_a_killed_child_again_and_leaves_the_others_running(children):
    started, lines = children
    started.start("worker", SLEEPER)
    started.start("web server", SLEEPER)
    worker, web = started.pids()["worker"], started.pids()["web server"]
    os.kill(worker, signal.SIGKILL)
    _tend_until(started, lambda: started.pids()["worker"] != worker)
    assert started.pids()["web server"] == web and started.children["web server"].process.poll() is None
    assert f"worker (pid {worker}) exited with signal SIGKILL; starting it again in 0 s" in lines[0]
    assert lines[1].startswith("reelremix: worker started again (pid ")


def test_it_waits_longer_each_time_a_child_dies_at_once(children):
    started, lines = children
    started.start("worker", QUITTER)
    _tend_until(started, lambda: len([line for line in lines if "exited" in line]) >= 3)
    waits = [float(line.rsplit("in ", 1)[1].split()[0]) for line in lines if "exited" in line]
    assert "exited with status 3" in lines[0]
    assert started.children["worker"].deaths >= 3 and waits == sorted(waits)
    assert started.children["worker"].backoff() == pytest.approx(
        0.2 * 2 ** (started.children["worker"].deaths - 1)
    )


def test_it_stops_every_child(children):
    started, _ = children
    started.start("worker", SLEEPER)
    started.start("web server", SLEEPER)
    started.stop(timeout=5)
    assert all(child.process.poll() is not None for child in started.children.values())


def test_it_names_how_a_process_ended():
    assert (describe_exit(-9), describe_exit(1)) == ("signal SIGKILL", "status 1")
