"""Signs of life for running stages: one thread per worker process stamps `heartbeat_at` on every stage
the process runs, every STAGE_HEARTBEAT_SECONDS, whatever the stage is doing (a model call can run for
minutes without reporting progress). Recovery takes a stage whose stamp has gone stale."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError, connection
from django_tenants.utils import schema_context

from media_jobs.claims import Claim, stamp_heartbeats

logger = logging.getLogger(__name__)


class HeartbeatKeeper:
    """The claims this process holds, stamped by a daemon thread started on first use."""

    def __init__(self) -> None:
        self._claims: set[Claim] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0  # the thread belongs to the process that started it (workers are forked)

    @contextlib.contextmanager
    def keep(self, claim: Claim) -> Iterator[None]:
        """Stamp the claimed stage while the block runs."""
        with self._lock:
            self._claims.add(claim)
            self._start()
        try:
            yield
        finally:
            with self._lock:
                self._claims.discard(claim)

    def held(self) -> list[Claim]:
        with self._lock:
            return list(self._claims)

    def stop(self) -> None:
        self._stopping.set()

    def _start(self) -> None:
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        self._stopping.clear()
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="stage-heartbeats", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(settings.STAGE_HEARTBEAT_SECONDS):
            try:
                self.beat()
            except DatabaseError as error:  # PostgreSQL restarting: the next beat reconnects
                logger.warning("Stage heartbeat failed: %s", error)
            finally:
                connection.close()  # this thread's connection: back to the pool between beats

    def beat(self) -> int:
        """Stamp every stage still held under its claim; returns how many rows were stamped."""
        by_schema: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.held():
            by_schema[claim.schema_name].append(claim)
        stamped = 0
        for schema_name, claims in by_schema.items():
            with schema_context(schema_name):
                stamped += stamp_heartbeats(claims)
        return stamped


keeper = HeartbeatKeeper()
