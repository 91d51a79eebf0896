"""What a Redis outage raises, and the work after a commit that Redis being away may only postpone.

After a commit the web process and the workers tell Redis what changed: a stage's message to the broker, a
job's progress and a moderation queue's event to the Channels layer. While Redis is away each is lost or
postponed (recovery sends the broker's message again, a page asks for the row when it reconnects), and the
commit stands. Django's robust on_commit logged each such failure as an ERROR with its traceback, which reads
as a bug; a Redis outage is one line, a warning, per thing postponed. Any other failure is still an error."""

from __future__ import annotations

import logging
from collections.abc import Callable

import dramatiq.errors
import redis
from django.db import transaction

log = logging.getLogger(__name__)

REDIS_OUTAGE: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    dramatiq.errors.BrokerConnectionError,  # what the broker raises for the first
)


def on_commit_unless_redis_is_down(send: Callable[[], object], what: str) -> None:
    """Call `send` once the transaction commits; while Redis is away, log that `what` was skipped. `send`
    failing any other way is logged with its traceback (robust): it never undoes the commit's caller."""

    def guarded() -> None:
        try:
            send()
        except REDIS_OUTAGE as error:
            log.warning("Redis is unreachable; %s: %s", what, error)

    transaction.on_commit(guarded, robust=True)
