"""End to end: `reelremix up` serves /healthz, and a browser's WebSocket receives progress pushed by an
actor running in the worker process that `up` started; Ctrl-C stops everything it started."""

import json
import os
import re
import signal
import socket

import requests
from websockets.sync.client import connect

from reelremix.embedded import port_is_open
from reelremix.tests.stack import ADMIN_PASSWORD, Stack


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


def test_it_serves_health_and_streams_worker_progress_then_stops(stack):
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

    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(30) == 0
    assert "Stopping ReelRemix" in stack.wait_for("Stopping ReelRemix", timeout=5)
    assert not port_is_open(stack.port)
