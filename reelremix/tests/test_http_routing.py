"""Which handler runs an HTTP request: reads on the WSGI side in bounded thread pools (downloads in a pool
of their own), requests with a body on the ASGI side."""

from __future__ import annotations

import asyncio
import threading
import time

from reelremix.http_routing import HttpRouter


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []  # (handler, path, thread name)
        self.running = self.most = 0
        self.lock = threading.Lock()

    def wsgi(self, environ, start_response):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.lock:
            self.running -= 1
            self.calls.append(("wsgi", environ["PATH_INFO"], threading.current_thread().name))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    async def asgi(self, scope, receive, send) -> None:
        self.calls.append(("asgi", scope["path"], threading.current_thread().name))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _scope(method: str, path: str) -> dict:
    return {"type": "http", "method": method, "path": path, "query_string": b"", "headers": [],
            "http_version": "1.1", "root_path": ""}  # fmt: skip


def _serve(router: HttpRouter, scopes: list[dict]) -> None:
    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        pass

    async def main() -> None:
        await asyncio.gather(*(router(scope, receive, send) for scope in scopes))

    asyncio.run(main())


def test_it_runs_reads_on_wsgi_threads_and_writes_on_the_asgi_handler():
    app = Recorder()
    router = HttpRouter(app.asgi, app.wsgi, read_threads=2, download_threads=3)
    _serve(router, [_scope("GET", "/api/v1/jobs/"), _scope("POST", "/api/v1/videos/"), _scope("HEAD", "/")])
    handlers = {path: (handler, thread) for handler, path, thread in app.calls}
    assert handlers["/api/v1/videos/"] == ("asgi", threading.main_thread().name)
    assert handlers["/api/v1/jobs/"][0] == handlers["/"][0] == "wsgi"
    assert handlers["/api/v1/jobs/"][1].startswith("WSGI")


def test_it_runs_at_most_its_read_threads_at_once():
    app = Recorder()
    router = HttpRouter(app.asgi, app.wsgi, read_threads=3, download_threads=8)
    _serve(router, [_scope("GET", f"/page/{n}") for n in range(12)])
    assert len(app.calls) == 12 and app.most == 3


def test_it_gives_downloads_a_pool_of_their_own():
    app = Recorder()
    router = HttpRouter(app.asgi, app.wsgi, read_threads=1, download_threads=6)
    _serve(router, [_scope("GET", f"/videos/{n}/original.mp4") for n in range(6)])
    assert app.most == 6  # not held to the single read thread
