"""The request, tenant and job a line of work belongs to, in context variables: set by the request middleware
(`requests`) in a web process and by the message middleware (`messages`) in a worker, read by every log line.
The request id travels inside each Dramatiq message, so a job's lines in every process share the id of the
request that started it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

REQUEST_ID_HEADER = "X-Request-ID"
# What a client or a proxy may choose as the id: anything else is replaced (it is written into every line).
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_tenant: ContextVar[str | None] = ContextVar("tenant", default=None)
_job_id: ContextVar[int | None] = ContextVar("job_id", default=None)


@dataclass(frozen=True)
class LogContext:
    request_id: str | None
    tenant: str | None  # the schema name; None on the public schema
    job_id: int | None


def request_id_from(header: str | None) -> str:
    """The id a client sent, when it is a sane one; a new one otherwise."""
    if header and _VALID_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current() -> LogContext:
    """The context of this thread or task; the tenant is the one bound, else the connection's schema."""
    return LogContext(_request_id.get(), _tenant.get() or _connection_schema(), _job_id.get())


def _connection_schema() -> str | None:
    from django.db import connection

    try:
        schema = getattr(connection, "schema_name", None)
    except Exception:  # logging before Django is configured, or while it shuts down: no tenant to tell
        return None
    return None if schema in (None, "public") else str(schema)


def bind(*, request_id: str | None = None, tenant: str | None = None, job_id: int | None = None) -> None:
    """Set the context of this thread (a worker thread, for the message it processes)."""
    _request_id.set(request_id)
    _tenant.set(tenant)
    _job_id.set(job_id)


def clear() -> None:
    bind()


@contextmanager
def bound(
    *, request_id: str | None = None, tenant: str | None = None, job_id: int | None = None
) -> Iterator[None]:
    """The context set inside the block and restored after it."""
    tokens = (_request_id.set(request_id), _tenant.set(tenant), _job_id.set(job_id))
    try:
        yield
    finally:
        _job_id.reset(tokens[2])
        _tenant.reset(tokens[1])
        _request_id.reset(tokens[0])
