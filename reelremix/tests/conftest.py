import os
import socket
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from media_jobs.tests.conftest import work_queued_jobs, workers  # noqa: F401  (real Dramatiq workers)
from reelremix.tests.cli import clean_env
from reelremix.tests.stack import stack, stack_env  # noqa: F401  (fixtures of a running `reelremix up`)

E2E_SUFFIX = os.environ.get("REELREMIX_TEST_SUFFIX", "")
E2E_DB = f"reelremix_e2e{E2E_SUFFIX}"


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port that another program is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    """A loopback port nobody listens on (released before the test uses it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def on_server(query: sql.Composed) -> None:
    """Run `query` on the suite's PostgreSQL server, connected to none of its test databases."""
    db = settings.DATABASES["default"]
    dsn = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(query)


def _on_server(statement: str) -> None:
    on_server(sql.SQL(statement).format(sql.Identifier(E2E_DB)))


@pytest.fixture
def e2e_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a console-script run against a database and Redis keys of its own."""
    db = settings.DATABASES["default"]
    _on_server("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _on_server("CREATE DATABASE {}")
    try:
        yield clean_env(
            DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{E2E_DB}",
            REDIS_URL=settings.REDIS_URL,
            REDIS_NAMESPACE=f"reelremix-e2e{E2E_SUFFIX}",
            REELREMIX_VAR_DIR=str(tmp_path),
        )
    finally:
        _on_server("DROP DATABASE IF EXISTS {} WITH (FORCE)")
