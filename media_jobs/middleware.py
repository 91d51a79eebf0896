"""Dramatiq middleware that keeps jobs from hanging in `running` when their message is given up."""

from __future__ import annotations

from typing import Any

import dramatiq
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

from reelremix.errors import PermanentJobError


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
        from django_tenants.utils import schema_context

        from media_jobs import services

        schema_name, job_id = message.args[0], message.args[1]
        if isinstance(exception, PermanentJobError):
            reason = str(exception)
        else:
            reason = f"Internal error ({type(exception).__name__}); the job was retried and gave up."
        with schema_context(schema_name):
            services.do_fail_job(job_id, reason)
