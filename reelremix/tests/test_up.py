"""End to end: `reelremix up` serves /healthz, a browser's WebSocket receives progress pushed by an actor
running in the worker process that `up` started, a burst of API clients is served on a bounded number of
database connections; Ctrl-C stops everything it started."""

import json
import os
import re
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import requests
from websockets.sync.client import connect

from reelremix.embedded import port_is_open
from reelremix.stack import DEFAULT_WEB_PROCESSES
from reelremix.tests.stack import ADMIN_PASSWORD, Stack

POOL = 3  # connections per process, for this test
BURST = 100  # API clients at once


@pytest.fixture
def stack_env() -> dict[str, str]:
    return {"DB_POOL_SIZE": str(POOL), "HTTP_CONCURRENCY": str(BURST)}  # nothing queues before the pool


def _burst(stack: Stack, host: str, database_url: str) -> tuple[list[int], int]:
    """BURST clients asking for the jobs list at once: their statuses, and the most database connections."""
    login = {"username": "admin", "password": ADMIN_PASSWORD}
    token = requests.post(stack.url("/api/v1/auth/token/"), data=login, headers={"Host": host}, timeout=10)
    headers = {"Host": host, "Authorization": f"Token {token.json()['token']}"}
    peak, done = [0], threading.Event()

    def count_connections() -> None:
        with psycopg.connect(database_url) as db:
            while not done.wait(0.05):
                query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                (count,) = db.execute(query).fetchone() or (0,)
                peak[0] = max(peak[0], count - 1)  # not this one

    watcher = threading.Thread(target=count_connections)
    watcher.start()
    try:
        with ThreadPoolExecutor(BURST) as clients:
            answers = clients.map(
                lambda _: requests.get(stack.url("/api/v1/jobs/"), headers=headers, timeout=60), range(BURST)
            )
            statuses = [answer.status_code for answer in answers]
    finally:
        done.set()
        watcher.join()
    return statuses, peak[0]


def _log_in(stack: Stack, host: str) -> requests.Session:
    browser = requests.Session()
    browser.headers["Host"] = host
    browser.get(stack.url("/accounts/login/"), timeout=10)
    form = {
        "username": "admin",
        "password": ADMIN_PASSWORD,
        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
    }
    assert (
        browser.post(stack.url("/accounts/login/"), data=form, timeout=10, allow_redirects=False).status_code
        == 302
    )
    return browser


def _watch(stack: Stack, host: str, job_id: int, session_key: str) -> list[dict]:
    sock = socket.create_connection(("127.0.0.1", stack.port))
    headers = {"Cookie": f"sessionid={session_key}", "Origin": f"http://{host}"}
    messages: list[dict] = []
    with connect(f"ws://{host}/ws/progress/{job_id}/", sock=sock, additional_headers=headers) as ws:
        while not messages or not messages[-1]["complete"]:
            messages.append(json.loads(ws.recv(timeout=30)))
    return messages


def test_it_serves_health_progress_and_bursts_of_clients_then_stops(stack, e2e_env):
    banner = stack.wait_for("Press Ctrl-C to stop.")
    assert f"site      http://demo.localhost:{stack.port}/" in banner
    host = f"demo.localhost:{stack.port}"
    health = requests.get(stack.url("/healthz"), headers={"Host": host}, timeout=10)
    assert (health.status_code, health.json()["status"]) == (200, "ok")

    browser = _log_in(stack, host)
    started = browser.post(
        stack.url("/jobs/selfcheck/"),
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        allow_redirects=False,
    )
    job_id = int(re.fullmatch(r"/jobs/(\d+)/", started.headers["Location"]).group(1))
    messages = _watch(stack, host, job_id, browser.cookies["sessionid"])

    assert any(m["state"] == "PROGRESS" for m in messages), messages  # pushed while the actor ran
    final = messages[-1]
    assert (final["state"], final["success"]) == ("SUCCESS", True)
    assert final["result"]["worker_pid"] not in (os.getpid(), stack.process.pid)  # the worker process

    statuses, connections = _burst(stack, host, e2e_env["DATABASE_URL"])
    processes = DEFAULT_WEB_PROCESSES + 2  # the web processes, the worker, `up` itself
    assert statuses == [200] * BURST
    assert POOL <= connections <= processes * POOL, connections  # without the pool: one per client

    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(30) == 0
    assert "Stopping ReelRemix" in stack.wait_for("Stopping ReelRemix", timeout=5)
    assert not port_is_open(stack.port)
