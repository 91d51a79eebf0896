"""How a web process runs Django for each HTTP request.

Requests without a body (GET, HEAD: pages, API reads, files) run on Django's WSGI handler in fixed pools
of threads (a2wsgi), first come first served: reads on HTTP_CONCURRENCY threads, file downloads (video
players, which may hold a connection for minutes) on HTTP_DOWNLOAD_THREADS threads of their own. Django's
ASGI handler spends a new thread and several event-loop hops on every request: on 2 cores the API
answered 125 requests a second that way and 210 this way (bench/RESULTS.md). Requests with a body
(uploads, forms, API writes) stay on the ASGI handler, which reads the body before taking a thread, so
a slow upload holds none. WebSockets never come here (Channels).
"""

from __future__ import annotations

from typing import Any, cast

from a2wsgi import WSGIMiddleware
from a2wsgi.asgi_typing import HTTPScope

Scope = dict[str, Any]
DOWNLOADS = (".mp4",)  # paths of media files: the players' range requests


class HttpRouter:
    def __init__(self, asgi_app: Any, wsgi_app: Any, read_threads: int, download_threads: int) -> None:
        self.asgi_app = asgi_app
        self.reads = WSGIMiddleware(wsgi_app, workers=read_threads)
        self.downloads = WSGIMiddleware(wsgi_app, workers=download_threads)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("method") not in ("GET", "HEAD"):
            await self.asgi_app(scope, receive, send)
        elif scope["path"].endswith(DOWNLOADS):
            await self.downloads(cast(HTTPScope, scope), receive, send)
        else:
            await self.reads(cast(HTTPScope, scope), receive, send)
