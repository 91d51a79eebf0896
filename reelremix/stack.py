"""Bring the whole ReelRemix stack up on one machine: services, schemas, web server, workers."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from reelremix import embedded
from reelremix.errors import StartupError
from reelremix.supervisor import Supervisor, describe_exit

DEMO_SLUG = "demo"
# One web process per core and one more: while one waits for PostgreSQL another runs, and connections
# spread over more listening sockets even out better (bench/RESULTS.md: 2 cores, 3 processes).
DEFAULT_WEB_PROCESSES = (os.cpu_count() or 1) + 1


@contextlib.contextmanager
def embedded_services() -> Iterator[list[embedded.RunningService]]:
    """Start (or reuse) the embedded services that no URL replaces; stop those started here on exit."""
    started: list[embedded.RunningService] = []
    try:
        if settings.EMBEDDED_POSTGRES:
            db_name = str(settings.DATABASES["default"]["NAME"])
            started.append(embedded.ensure_postgres(settings.VAR_DIR, settings.EMBEDDED_PG_PORT, db_name))
        if settings.EMBEDDED_REDIS:
            started.append(embedded.ensure_redis(settings.VAR_DIR, settings.EMBEDDED_REDIS_PORT))
        yield started
    finally:
        for service in reversed(started):
            service.stop()


def check_database() -> None:
    """Connect once, outside the pool (which would retry for DB_POOL_TIMEOUT): an unreachable database
    is one clear error at once."""
    import psycopg
    from django.db import connection

    try:
        psycopg.connect(**connection.get_connection_params(), connect_timeout=10).close()
    except psycopg.OperationalError as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise StartupError(f"cannot use the database: {first_line}") from None


def migrate() -> None:
    """Migrate the public schema and every tenant schema; gather static files for the web server."""
    from django.core.management import call_command

    check_database()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str | None  # None: the user already existed; its password was printed when created


def ensure_demo_tenant() -> DemoLogin:
    """The `demo` tenant at demo.<BASE_DOMAIN> with an admin user, also admin of the platform."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from tenants import services
    from tenants.models import Tenant

    services.ensure_public_tenant()
    tenant = Tenant.objects.filter(slug=DEMO_SLUG).first()
    if tenant is None:
        admin_email = f"admin@{settings.BASE_DOMAIN}"
        tenant = services.do_create_tenant("Demo Agency", DEMO_SLUG, admin_email, plan="agency").tenant
    username = os.environ.get("REELREMIX_ADMIN_USER", "admin")
    with schema_context(tenant.schema_name):
        if get_user_model().objects.filter(username=username).exists():
            return DemoLogin(username, None)
    password = os.environ.get("REELREMIX_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    email = f"{username}@{settings.BASE_DOMAIN}"
    services.do_create_tenant_user(tenant, username, email, password, staff=True)
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        if not get_user_model().objects.filter(username=username).exists():
            get_user_model().objects.create_superuser(username=username, email=email, password=password)
    return DemoLogin(username, password)


def web_command(fd: int) -> list[str]:
    """One web server process on the listening socket `fd` (reelremix/web.py)."""
    return [sys.executable, "-m", "reelremix.web", str(fd)]


def start_web(children: Supervisor, host: str, port: int, processes: int) -> list[socket.socket]:
    """`processes` web server processes on host:port, each with a listening socket of its own
    (SO_REUSEPORT): the kernel spreads new connections over them evenly, where processes sharing one
    socket let the quickest take most long-lived connections. Keep the sockets open while they serve."""
    listeners = []
    for number in range(1, processes + 1):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((host, port))
        listener.listen(2048)
        listener.set_inheritable(True)
        listeners.append(listener)
        children.start(f"web server {number}", web_command(listener.fileno()), (listener.fileno(),))
    return listeners


WORKER_SHUTDOWN_SECONDS = 20  # after SIGTERM; its stages are handed back at once, the threads then end


def worker_command(threads: int) -> list[str]:
    queues = list(settings.DRAMATIQ_QUEUES)
    return [sys.executable, "-m", "dramatiq", "reelremix.worker", "--queues", *queues,
            "--processes", "1", "--threads", str(threads),
            "--worker-shutdown-timeout", str(WORKER_SHUTDOWN_SECONDS * 1000)]  # fmt: skip


def start_worker(threads: int, output: Path | None = None) -> Supervisor:
    """One Dramatiq worker process, started again if it dies, until the returned supervisor's stop().
    `output`: a file its log lines go to (the CLI's progress bar stays clean); None: this terminal."""
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
    children = Supervisor(env=child_env(), cwd=settings.BASE_DIR, log=_say)
    children.start("worker", worker_command(threads), output=output)
    children.tend_in_background()
    return children


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "reelremix.settings")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(settings.BASE_DIR), env.get("PYTHONPATH")]))
    return env


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop


def _print_urls(port: int, login: DemoLogin, services: list[embedded.RunningService]) -> None:
    site = f"http://{DEMO_SLUG}.{settings.BASE_DOMAIN}:{port}"
    password = login.password or "(unchanged; it was printed when the user was created)"
    lines = [
        "ReelRemix is up.",
        f"  site      {site}/",
        f"  login     {login.username} / {password}",
        f"  admin     {site}/admin/",
        f"  API       {site}/api/v1/   schema {site}/api/schema/",
        f"  health    {site}/healthz/live  {site}/healthz/ready",
        f"  metrics   http://{settings.BASE_DOMAIN}:{port}/metrics  " + _metrics_note(),
        f"  platform  http://{settings.BASE_DOMAIN}:{port}/admin/",
    ]
    lines += [f"  {s.name:<9} {s.url} (embedded, data in {settings.VAR_DIR})" for s in services]
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def _metrics_note() -> str:
    return "(Authorization: Bearer $METRICS_TOKEN)" if settings.METRICS_TOKEN else "(off: set METRICS_TOKEN)"


def up(host: str, port: int, worker_threads: int, web_processes: int) -> None:
    """Serve everything until Ctrl-C or SIGTERM, starting again any child process that dies meanwhile."""
    if embedded.port_is_open(port, _connect_address(host)):
        raise StartupError(f"port {port} is in use by another program; pass --port to choose another")
    # Explicit handlers: a process started in the background by a shell inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    from reelremix.observability.metrics import reset_directory

    reset_directory()  # the samples of this machine's processes from an earlier run go
    with embedded_services() as services:
        migrate()
        login = ensure_demo_tenant()
        children, listeners = Supervisor(env=child_env(), cwd=settings.BASE_DIR, log=_say), []
        try:
            listeners = start_web(children, host, port, web_processes)
            children.start("worker", worker_command(worker_threads))
            _wait_until_serving(children, host, port)
            _print_urls(port, login, services)
            while True:
                children.tend()
                time.sleep(0.5)
        except _Stop:
            print("\nStopping ReelRemix...", flush=True)
        finally:
            children.stop()
            for listener in listeners:
                listener.close()


def _say(line: str) -> None:
    print(line, flush=True)


def _connect_address(host: str) -> str:
    """Where to reach a server bound to `host` from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104


def _wait_until_serving(children: Supervisor, host: str, port: int, timeout: float = 120) -> None:
    """Until a web process answers HTTP. The listening socket is ours from the start, so an open port
    proves nothing: connections wait in its backlog while the processes still import Django."""
    address = _connect_address(host)
    deadline = time.monotonic() + timeout
    while not _answers_http(address, port):
        died = children.exited()
        if died:
            raise StartupError(f"the {died[0]} exited with {describe_exit(died[1])} while starting")
        if time.monotonic() > deadline:
            raise StartupError(f"the web server did not answer on port {port} within {timeout:.0f} s")
        time.sleep(0.2)


def _answers_http(address: str, port: int) -> bool:
    """A web process answered /healthz (whatever it said: it is serving)."""
    connection = http.client.HTTPConnection(address, port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": settings.BASE_DOMAIN})
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def down() -> None:
    """Stop the embedded services, whoever started them."""
    if settings.EMBEDDED_REDIS:
        embedded.stop_redis(settings.VAR_DIR, settings.EMBEDDED_REDIS_PORT)
    if settings.EMBEDDED_POSTGRES:
        embedded.stop_postgres(settings.VAR_DIR, settings.EMBEDDED_PG_PORT)
    print(f"Embedded services stopped (data kept in {Path(settings.VAR_DIR)}).")
