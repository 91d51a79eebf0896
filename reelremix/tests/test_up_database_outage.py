"""`reelremix up` while its database refuses every connection (PostgreSQL restarting, or unreachable): the
API answers 503 in its error shape and pages a 503 page, each with Retry-After, within the pool's wait, never
a 500 that reads as a bug; once the database is back, the same calls answer again without a restart."""

from __future__ import annotations

import time

import pytest
import requests
from psycopg import sql

from media_jobs.tests.workers import wait_for
from reelremix.tests.conftest import E2E_DB, on_server
from reelremix.tests.stack import Api, Stack

POOL_WAIT = 2  # seconds a request waits for a database connection (DB_POOL_TIMEOUT; 30 by default)


@pytest.fixture
def stack_env() -> dict[str, str]:
    return {"DB_POOL_TIMEOUT": str(POOL_WAIT)}


def _refuse_connections(refuse: bool) -> None:
    """The end-to-end database turns every new connection away, its sessions ended (what a restarting
    PostgreSQL does to the site); or takes them again."""
    allow = sql.SQL("false" if refuse else "true")
    on_server(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(sql.Identifier(E2E_DB), allow))
    if refuse:
        on_server(
            sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {}").format(
                sql.Literal(E2E_DB)
            )
        )


def test_the_site_answers_503_while_its_database_refuses_connections_and_recovers(stack: Stack):
    stack.wait_for("Press Ctrl-C to stop.")
    api = Api(stack)
    assert api.list_status().status_code == 200

    _refuse_connections(True)
    try:
        started = time.monotonic()
        answer = api.list_status()
        waited = time.monotonic() - started
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "unavailable" and answer.headers["Retry-After"] == "5"
        assert waited < POOL_WAIT + 5  # the pool's wait, not a hang
        # A page of a host no process has looked up yet: the tenant's lookup itself meets the outage.
        page = requests.get(stack.url("/"), headers={"Host": f"nobody.localhost:{stack.port}"}, timeout=30)
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert page.headers["Content-Type"].startswith("text/html") and "Briefly unavailable" in page.text
    finally:
        _refuse_connections(False)

    wait_for(lambda: api.list_status().status_code == 200, 60, "the API again")
