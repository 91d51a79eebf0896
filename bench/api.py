"""The API under load: `python -m bench api`.

Starts the web server as `reelremix up` does (one process per core, each on its own listening socket,
pooled database connections), seeds one tenant with 200 videos (each with its moderation job and stages,
a case with flags, and searchable segments), then drives bounded loopback load from this process at 1,
50 and 300 clients. Each client sends in turn the videos list and the jobs list (25 rows a page), a
search (one of five queries) and the billing summary, with the tenant's API token. The baseline,
measured in the same run with the same clients, is a static file served by the same server (the cost of
HTTP alone). While each level runs, the PostgreSQL connections of the database are counted.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.load import LoadReport, request_bytes, run_load
from reelremix import stack
from reelremix.supervisor import Supervisor

BENCH_SLUG = "benchapi"
VIDEOS = 200
PAGE = 25
LEVELS = (1, 50, 300)
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "20"))
QUERIES = ("the launch party", "budget for the spring campaign", "customer complaint", "new office", "logo")
TOPICS = ("launch party", "spring campaign budget", "customer complaint", "new office", "logo redesign")


def _tenant_and_token() -> tuple[Any, str]:
    from django.contrib.auth.models import User
    from django_tenants.utils import schema_context

    from accounts.services import do_create_token, do_revoke_all_tokens
    from tenants import services
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=BENCH_SLUG).first()
    if tenant is None:
        email = f"bench@{settings.BASE_DOMAIN}"
        tenant = services.do_create_tenant("API benchmark", BENCH_SLUG, email, plan="agency").tenant
        services.do_create_tenant_user(tenant, "bench", email, "bench-password-not-secret")
    with schema_context(tenant.schema_name):
        user = User.objects.get(username="bench")
        do_revoke_all_tokens(user)  # one token per benchmark run, the earlier runs' retired
        _, key = do_create_token(user, "API benchmark", "30d")
        return tenant, key


def _seed(schema_name: str) -> None:
    """VIDEOS finished videos with what a moderated video has, unless they are there already."""
    from django_tenants.utils import schema_context

    from media_jobs.models import Video

    with schema_context(schema_name):
        for number in range(Video.objects.count(), VIDEOS):
            _seed_video(number)


def _seed_video(number: int) -> None:
    from django.utils import timezone

    from gpu_worker.embeddings import get_text_embedder
    from media_jobs import registry
    from media_jobs.models import Job, Stage, Video
    from moderation.models import Action, Case, Flag, Kind
    from moderation.stages import MODERATION
    from search.models import Segment

    video = Video.objects.create(
        title=f"Agency reel {number}", original="none.mp4", size_bytes=10**7, duration=300
    )
    now = timezone.now()
    job = Job.objects.create(
        kind=MODERATION, video=video, state=Job.State.SUCCEEDED, progress_current=1000,
        progress_total=1000, result={"case": "clean"}, started_at=now, finished_at=now,
    )  # fmt: skip
    Stage.objects.bulk_create(
        Stage(job=job, name=name, state=Stage.State.SUCCEEDED, attempts=1, fraction=1.0)
        for name in registry.stages_of(MODERATION)
    )
    case = Case.objects.create(video=video, state=Case.State.APPROVED if number % 3 else Case.State.CLEAN)
    Flag.objects.bulk_create(
        Flag(case=case, kind=Kind.FACE, label="FACE", start=i * 10, end=i * 10 + 5, score=0.8,
             action=Action.CENSOR, source="centerface")
        for i in range(3)
    )  # fmt: skip
    embedder = get_text_embedder()
    texts = [
        f"We talked about the {TOPICS[(number + i) % len(TOPICS)]} with the team, take {number}"
        for i in range(2)
    ]
    Segment.objects.bulk_create(
        Segment(video=video, job=job, start=i * 20, end=i * 20 + 15, text=text, keyframe_time=i * 20 + 5,
                embedding=vector, embedding_model=embedder.name, moderation_state=case.state,
                video_created_at=video.created_at, video_duration=video.duration)
        for i, (text, vector) in enumerate(zip(texts, embedder.embed(texts), strict=True))
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _requests(host: str, token: str) -> tuple[list[bytes], list[bytes]]:
    """The four endpoints in turn, each round with another search."""
    auth = {"Authorization": f"Token {token}"}
    paths = []
    for query in QUERIES:
        paths += [f"/api/v1/videos/?page_size={PAGE}", f"/api/v1/jobs/?page_size={PAGE}"]
        paths += [f"/api/v1/search/?q={query.replace(' ', '+')}", "/api/v1/billing/"]
    api = [request_bytes(host, path, auth) for path in paths]
    static = [request_bytes(host, "/static/admin/css/base.css", {})]
    return api, static


class ConnectionCount:
    """The most connections the database had while the block ran."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> ConnectionCount:
        threading.Thread(target=self._watch, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    def _watch(self) -> None:
        from django.db import connection

        name = str(settings.DATABASES["default"]["NAME"])
        while not self._stop.wait(0.25):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name])
                self.peak = max(self.peak, cursor.fetchone()[0])
        connection.close()


@contextlib.contextmanager
def _serving(port: int, processes: int) -> Iterator[Supervisor]:
    children = Supervisor(env=stack.child_env(), cwd=settings.BASE_DIR)
    listeners = stack.start_web(children, "127.0.0.1", port, processes)
    try:
        deadline = time.monotonic() + 60
        while not stack.embedded.port_is_open(port):
            assert time.monotonic() < deadline and not children.exited(), "the web server did not start"
            time.sleep(0.1)
        yield children
    finally:
        children.stop()
        for listener in listeners:
            listener.close()


def measure(port: int, host: str, token: str) -> dict[str, Any]:
    api, static = _requests(host, token)
    run_load(port, api * 3, clients=8, seconds=5)  # warm every process: models, query cache, pools
    report: dict[str, Any] = {"baseline_static": {}, "api": {}}
    for clients in LEVELS:
        report["baseline_static"][clients] = run_load(port, static, clients, SECONDS / 2).summary()
        with ConnectionCount() as connections:
            load: LoadReport = run_load(port, api, clients, SECONDS)
        report["api"][clients] = {**load.summary(), "peak_db_connections": connections.peak}
    for clients in LEVELS:
        api_rate = report["api"][clients]["requests_per_second"]
        report["api"][clients]["throughput_vs_static"] = round(
            api_rate / report["baseline_static"][clients]["requests_per_second"], 3
        )
    return report


def main() -> None:
    processes = int(os.environ.get("BENCH_WEB_PROCESSES", stack.DEFAULT_WEB_PROCESSES))
    with stack.embedded_services():
        stack.migrate()
        tenant, token = _tenant_and_token()
        _seed(tenant.schema_name)
        port = _free_port()
        with _serving(port, processes):
            report = measure(port, f"{BENCH_SLUG}.{settings.BASE_DOMAIN}", token)
    report = {"cpus": os.cpu_count(), "web_processes": processes, "db_pool_size": settings.DB_POOL_SIZE,
              "seconds_per_level": SECONDS, "page_size": PAGE, **report}  # fmt: skip
    print(json.dumps(report, indent=2))
    out = Path(settings.VAR_DIR) / "bench" / "api.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
