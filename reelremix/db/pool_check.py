"""The check the database pool runs before it lends a connection.

psycopg_pool checks one idle connection at a time and sleeps between failed checks (1, 2, 4, 8... s).
After PostgreSQL restarts every idle connection is dead, so a process holding ten of them could not
serve a request for over 30 s. Here the first failed check makes the pool check all its idle
connections at once and replace the dead ones: one second's wait after a restart."""

from __future__ import annotations

from typing import Any

from psycopg_pool import ConnectionPool


def check_connection(connection: Any) -> None:
    """psycopg_pool's own check; on failure, check every idle connection of the pool before raising."""
    try:
        ConnectionPool.check_connection(connection)
    except Exception:
        pool = getattr(connection, "_pool", None)  # set by the pool as it lends the connection
        if isinstance(pool, ConnectionPool):
            pool.check()
        raise
