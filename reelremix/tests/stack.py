"""A running `reelremix up`, as the end-to-end and browser tests start it."""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Iterator

import pytest

from reelremix.tests.cli import REELREMIX

ADMIN_PASSWORD = "an end-to-end password"


class Stack:
    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process, self.port, self.lines = process, port, queue.Queue[str]()
        self.printed: list[str] = []  # everything `up` printed so far, for a failing test's message
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.printed.append(line)
            self.lines.put(line)

    def tail(self, lines: int = 60) -> str:
        return "".join(self.printed[-lines:])

    def wait_for(self, text: str, timeout: float = 120) -> str:
        seen = ""
        while text not in seen:
            try:
                seen += self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"`up` did not print {text!r} in {timeout} s:\n{self.tail()}") from None
        return seen

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def stack_env() -> dict[str, str]:
    """More environment for `reelremix up` (a test module overrides this fixture)."""
    return {}


@pytest.fixture
def stack(e2e_env: dict[str, str], stack_env: dict[str, str], free_port: int) -> Iterator[Stack]:
    env = {**e2e_env, **stack_env, "REELREMIX_ADMIN_PASSWORD": ADMIN_PASSWORD, "PYTHONUNBUFFERED": "1"}
    command = [REELREMIX, "up", "--port", str(free_port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield Stack(process, free_port)
    finally:
        if process.poll() is None:
            process.terminate()  # lets `up` stop its web server and worker
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
