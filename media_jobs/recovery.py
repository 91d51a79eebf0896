"""Recovery of work nobody is doing, run periodically by every worker process (one sweep at a time
across the deployment, under a PostgreSQL advisory lock):

- a running stage whose heartbeat is older than STAGE_STALE_SECONDS lost its worker (killed, out of
  memory, machine gone): it is queued again with a new message, or the job fails once the stage has had
  its attempts;
- a queued stage waiting longer than STAGE_QUEUED_GRACE_SECONDS whose message the broker no longer holds
  (Redis restarted without it) is sent again.

One query finds the candidates in every tenant schema; each is then handled under its own claim, so a
stage that a worker claims meanwhile is left alone."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context
from redis.exceptions import RedisError

from media_jobs import registry
from media_jobs.claims import Claim, do_requeue_stalled_stage, do_resend_if_lost
from media_jobs.dispatch import pending_message_ids, requeue_from_dead_workers
from media_jobs.models import Job, Stage
from media_jobs.outcomes import do_fail_job

logger = logging.getLogger(__name__)

SWEEP_LOCK = 7_215_661_042  # pg advisory lock key: one sweep at a time across all workers


@dataclass(frozen=True)
class InFlight:
    """A stage that should be making progress, as the sweep found it."""

    schema_name: str
    stage_id: int
    job_id: int
    state: str
    claim: UUID | None
    message_id: str
    last_seen: datetime  # heartbeat (running) or since when it waits (queued)


@dataclass
class RecoveryReport:
    requeued: list[int] = field(default_factory=list)  # stage ids queued again after their worker died
    failed: list[int] = field(default_factory=list)  # job ids given up
    resent: list[int] = field(default_factory=list)  # stage ids whose lost message was sent again
    swept: bool = True  # False: another process held the sweep lock


def _tenant_schemas() -> list[str]:
    """Schemas that have the engine's tables (every tenant schema once migrated)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %s AND c.relkind = 'r' ORDER BY n.nspname",
            [Stage._meta.db_table],
        )
        return [row[0] for row in cursor.fetchall()]


def _candidates_sql(schema_name: str) -> str:
    quoted = connection.ops.quote_name(schema_name)
    stage, job = f"{quoted}.{Stage._meta.db_table}", f"{quoted}.{Job._meta.db_table}"
    # Schema names come from pg_namespace and are quoted; the values are bound parameters.
    return (
        f"SELECT %s, s.id, s.job_id, s.state, s.claim, s.message_id, "  # noqa: S608
        f"COALESCE(CASE WHEN s.state = 'running' THEN s.heartbeat_at ELSE s.queued_at END, s.started_at, "
        f"j.created_at) AS last_seen "
        f"FROM {stage} s JOIN {job} j ON j.id = s.job_id "
        f"WHERE s.state IN ('running', 'queued') AND j.state IN ('queued', 'running')"
    )


def in_flight_stages(*, stalled_for: float, queued_for: float) -> list[InFlight]:
    """Running stages silent for `stalled_for` seconds and queued ones waiting for `queued_for`, in every
    tenant schema, in one query (the database's clock throughout)."""
    schemas = _tenant_schemas()
    if not schemas:
        return []
    union = " UNION ALL ".join(_candidates_sql(name) for name in schemas)
    sql = (
        f"SELECT * FROM ({union}) c(schema_name, stage_id, job_id, state, claim, message_id, last_seen) "  # noqa: S608
        "WHERE (state = 'running' AND last_seen < now() - make_interval(secs => %s)) "
        "OR (state = 'queued' AND last_seen < now() - make_interval(secs => %s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*schemas, stalled_for, queued_for])
        return [InFlight(*row) for row in cursor.fetchall()]


def recover_stalled_stages(*, take_running: bool = True) -> RecoveryReport:
    """One sweep. `take_running=False` leaves running stages alone (see PeriodicRecovery)."""
    report = RecoveryReport()
    with transaction.atomic():  # the advisory lock and the messages sent are the transaction's
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK])
            if not cursor.fetchone()[0]:
                report.swept = False
                return report
        found = in_flight_stages(
            stalled_for=settings.STAGE_STALE_SECONDS, queued_for=settings.STAGE_QUEUED_GRACE_SECONDS
        )
        pending = _pending_if_needed(found)
        for stage in found:
            try:
                with schema_context(stage.schema_name):
                    if stage.state == Stage.State.RUNNING and take_running:
                        _take_stalled(stage, report)
                    elif stage.state == Stage.State.QUEUED and pending is not None:
                        _resend_lost(stage, pending, report)
            except DatabaseError:  # its savepoint rolled back; the others still count
                logger.exception("Recovery of stage %s in %s failed", stage.stage_id, stage.schema_name)
    return report


def _take_stalled(stage: InFlight, report: RecoveryReport) -> None:
    assert stage.claim is not None, "a running stage has a claim"
    claim = Claim(stage.schema_name, stage.stage_id, stage.claim)
    done = do_requeue_stalled_stage(claim, stage.last_seen.strftime("%H:%M:%S UTC"))
    if done == "requeued":
        report.requeued.append(stage.stage_id)
    elif done == "exhausted":
        name = registry.stage_label(Stage.objects.get(id=stage.stage_id).name)
        do_fail_job(
            stage.job_id,
            f"The '{name}' step stopped responding on every attempt: its worker died each time "
            "(it may need more memory than the worker has).",
        )
        report.failed.append(stage.job_id)


def _resend_lost(stage: InFlight, pending: set[str], report: RecoveryReport) -> None:
    if do_resend_if_lost(stage.stage_id, stage.message_id, pending):
        report.resent.append(stage.stage_id)


def _pending_if_needed(found: list[InFlight]) -> set[str] | None:
    """The broker's messages, read only when some queued stage waits long; None if the broker is away
    (whether a message was lost cannot be told until it is back)."""
    if not any(stage.state == Stage.State.QUEUED for stage in found):
        return set()
    try:
        requeue_from_dead_workers()  # a killed worker's prefetched messages: pending, but for no one
        return pending_message_ids()
    except RedisError as error:
        logger.warning("Cannot read the broker's messages: %s", error)
        return None


class PeriodicRecovery:
    """The sweep as a periodic task. Running stages are taken only once the database has answered for a
    heartbeat interval: after a database outage every heartbeat looks stale until the live workers'
    heartbeat threads have stamped again."""

    def __init__(self) -> None:
        self._database_up_since: float | None = None

    def __call__(self) -> RecoveryReport:
        up_since = self._database_up_since
        settled = up_since is not None and time.monotonic() - up_since >= settings.STAGE_HEARTBEAT_SECONDS
        try:
            report = recover_stalled_stages(take_running=settled)
        except DatabaseError:
            self._database_up_since = None
            raise
        if up_since is None:
            self._database_up_since = time.monotonic()
        if report.requeued or report.failed or report.resent:
            logger.warning("Recovery: %s", report)
        return report
