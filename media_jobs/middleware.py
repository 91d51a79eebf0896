"""Dramatiq middleware of the engine: jobs never hang in `running` when their message is given up, and
a worker that is asked to stop hands its stages back before its threads are interrupted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import dramatiq
from django.db import DatabaseError, connections
from django_tenants.utils import schema_context
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware, ShutdownNotifications

from media_jobs.claims import (
    Claim,
    do_hand_back_stage,
    do_settle_job_of,
    start_claiming,
    stop_claiming,
    stopping,
)
from media_jobs.heartbeats import keeper
from media_jobs.outcomes import do_fail_job
from reelremix.errors import PERMANENT_ERRORS

logger = logging.getLogger(__name__)


class FailJobWhenMessageFails(Middleware):
    """For actors declared with `fails_job=True` and arguments `(schema_name, job_id, ...)`: when
    Dramatiq gives up on the message (a permanent error, or retries exhausted), fail the job."""

    actor_options = {"fails_job"}

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: Any = None,
    ) -> None:
        if exception is None or not message.failed:
            return
        if not broker.get_actor(message.actor_name).options.get("fails_job"):
            return
        schema_name, job_id = message.args[0], message.args[1]
        if isinstance(exception, PERMANENT_ERRORS):
            reason = str(exception)
        else:
            reason = f"Internal error ({type(exception).__name__}); the job was retried and gave up."
        with schema_context(schema_name):
            do_fail_job(job_id, reason)


class HandBackStagesOnShutdown(Middleware):
    """On SIGTERM, before Dramatiq interrupts the worker threads: this process stops claiming stages, and
    every stage it runs goes back to the queue with a new message, so another worker starts it now rather
    than after the stall timeout. Once the threads have stopped, the jobs of those stages that no stage runs
    any more show `queued`. Once the worker has stopped, the process may claim again (the tests run stages
    in their own process, and start workers in it one after another)."""

    def __init__(self) -> None:
        self.handed_back: list[Claim] = []

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        stop_claiming()  # first: the messages of the stages handed back below are for other workers
        self.handed_back = keeper.held()
        for claim in self.handed_back:
            handed = self._in_schema(claim, do_hand_back_stage)
            logger.info("Stage %s (%s) handed back: %s", claim.stage_id, claim.schema_name, handed)

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        start_claiming()  # its threads have stopped: whatever runs in the process next may claim again
        keeper.stop()
        for claim in self.handed_back:
            self._in_schema(claim, do_settle_job_of)

    @staticmethod
    def _in_schema(claim: Claim, service: Callable[[Claim], Any]) -> Any:
        try:
            with schema_context(claim.schema_name):
                return service(claim)
        except DatabaseError as error:  # the database is away: recovery will find the stage stalled
            logger.warning("Could not settle stage %s on shutdown: %s", claim.stage_id, error)
            return None
        finally:
            connections.close_all()


class StageShutdownNotifications(ShutdownNotifications):
    """Dramatiq's, except for a message taken once the process stopped claiming stages: that one only passes
    its stage on, and is not interrupted. An exception raised into a thread lands wherever it happens to be,
    even inside a logging lock it then never releases, which hung a stopping worker; and each such message
    changed the set of threads Dramatiq was iterating to interrupt ("Set changed size during iteration")."""

    def should_notify(self, actor: dramatiq.Actor[Any, Any], message: Any) -> bool:
        return not stopping() and bool(super().should_notify(actor, message))
