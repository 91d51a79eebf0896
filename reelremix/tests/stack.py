"""A running `reelremix up`, as the end-to-end and browser tests start it."""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

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


class Api:
    """The API of the stack's `demo` tenant, as its admin (a token)."""

    def __init__(self, stack: Stack) -> None:
        self.stack, self.session = stack, requests.Session()
        self.session.headers["Host"] = f"demo.localhost:{stack.port}"
        login = {"username": "admin", "password": ADMIN_PASSWORD}
        token = self.session.post(stack.url("/api/v1/auth/token/"), data=login, timeout=10).json()["token"]
        self.session.headers["Authorization"] = f"Token {token}"

    def submit(self, clip: Path) -> int:
        with clip.open("rb") as upload:
            answer = self.session.post(self.stack.url("/api/v1/videos/"), files={"file": upload}, timeout=60)
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    def job(self, video_id: int) -> dict:
        return self.session.get(self.stack.url(f"/api/v1/videos/{video_id}/"), timeout=10).json()[
            "latest_job"
        ]

    def stage(self, video_id: int, name: str) -> dict:
        return next(s for s in self.job(video_id)["stages"] if s["name"] == name)

    def list_status(self) -> requests.Response:
        """The answer to listing the videos (the database asked for the token and the page)."""
        return self.session.get(self.stack.url("/api/v1/videos/"), timeout=30)

    def healthy(self) -> bool:
        try:
            return self.session.get(self.stack.url("/healthz"), timeout=5).status_code == 200
        except requests.RequestException:
            return False


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
