"""Child processes kept running: `reelremix up`'s web server and worker. A child that dies (the kernel's
OOM killer, a crash) is started again after a backoff while the others go on; only stop() ends them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FIRST_BACKOFF = 1.0  # seconds before the first restart
MAX_BACKOFF = 30.0  # a child that keeps dying is started at most this often
STABLE_AFTER = 60.0  # seconds of life after which a death counts as the first again


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies, even by SIGKILL (Linux only)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def describe_exit(code: int) -> str:
    """'status 1', or 'signal SIGKILL' for a process a signal ended."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-code).name}"
    return f"status {code}"


@dataclass
class Child:
    name: str
    command: list[str]
    pass_fds: tuple[int, ...] = ()  # descriptors it inherits (a listening socket), kept across restarts
    output: Path | None = None  # where its stdout and stderr go (appended); None: this process's own
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    deaths: int = 0  # deaths in a row, each within STABLE_AFTER of its start
    restart_at: float | None = None

    def backoff(self) -> float:
        return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, self.deaths - 1))


@dataclass
class Supervisor:
    env: dict[str, str]
    cwd: Path
    log: Callable[[str], None] = print
    children: dict[str, Child] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def start(
        self, name: str, command: list[str], pass_fds: tuple[int, ...] = (), output: Path | None = None
    ) -> None:
        child = self.children.setdefault(name, Child(name, command, pass_fds, output=output))
        with contextlib.ExitStack() as stack:
            log = stack.enter_context(child.output.open("ab")) if child.output else None
            # Its own session: a Ctrl-C in the terminal reaches `up` alone, which stops each child once.
            child.process = subprocess.Popen(
                command, env=self.env, cwd=self.cwd, preexec_fn=_die_with_parent, start_new_session=True,
                pass_fds=child.pass_fds, stdout=log, stderr=subprocess.STDOUT if log else None,
            )  # fmt: skip
        child.started, child.restart_at = time.monotonic(), None

    def exited(self) -> tuple[str, int] | None:
        """The first child found dead, with its exit code (used while starting up: no restarts then)."""
        for child in self.children.values():
            code = child.process.poll() if child.process else None
            if code is not None:
                return child.name, code
        return None

    def tend(self) -> None:
        """Notice children that died and start them again once their backoff has passed."""
        now = time.monotonic()
        for child in self.children.values():
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self.start(child.name, child.command, child.pass_fds, child.output)
                    self.log(f"reelremix: {child.name} started again (pid {self._pid(child)})")
                continue
            code = child.process.poll() if child.process else None
            if code is None:
                continue
            child.deaths = 1 if now - child.started >= STABLE_AFTER else child.deaths + 1
            child.restart_at = now + child.backoff()
            self.log(
                f"reelremix: {child.name} (pid {self._pid(child)}) exited with {describe_exit(code)}; "
                f"starting it again in {child.backoff():.0f} s"
            )

    @staticmethod
    def _pid(child: Child) -> int:
        return child.process.pid if child.process else 0

    def pids(self) -> dict[str, int]:
        return {name: self._pid(child) for name, child in self.children.items()}

    def tend_in_background(self, interval: float = 0.5) -> None:
        """Tend the children from a daemon thread until stop()."""
        self._stopping.clear()

        def loop() -> None:
            while not self._stopping.wait(interval):
                self.tend()

        threading.Thread(target=loop, name="supervisor", daemon=True).start()

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to every child (a worker hands its stages back), SIGKILL to those still there."""
        self._stopping.set()
        running = [c.process for c in self.children.values() if c.process and c.process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
            if process.poll() is None:
                process.kill()
                process.wait()
