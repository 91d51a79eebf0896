"""Messages to the broker. A queued stage records the id of the one message meant to deliver it (see
claims), so that a message lost with the broker (Redis killed before it wrote the message to disk) is
noticed and sent again. Messages are built by actor name: this module imports no actor."""

from __future__ import annotations

import json

import dramatiq
from dramatiq.common import current_millis

from billing import quota
from media_jobs import registry
from reelremix.redis_outage import on_commit_unless_redis_is_down

PRIORITY_SUFFIX = ".priority"  # the queue of a plan with priority: its own consumer, ahead in the worker


def stage_actor_name(queue: str, *, first: bool = False) -> str:
    """The actor that runs stages of `queue`; `first`: its twin on the priority queue."""
    return f"run_{registry.QUEUES[queue]}_stage" + ("_first" if first else "")


def stage_message(schema_name: str, job_id: int, name: str) -> dramatiq.Message:  # type: ignore[type-arg]
    """The message that runs stage `name` of the job, on the stage's queue."""
    # A plan with priority sends to the priority queue: consumed on its own, run first by the worker.
    first = quota.has_priority(schema_name)
    actor = dramatiq.get_broker().get_actor(stage_actor_name(registry.stage(name).queue, first=first))
    return actor.message(schema_name, job_id, name)


def enqueue_on_commit(message: dramatiq.Message) -> None:  # type: ignore[type-arg]
    """Send `message` once the transaction commits."""
    # A broker that is down must not undo the commit's caller; the stage keeps its message id, which the
    # broker does not know, and recovery sends it again.
    on_commit_unless_redis_is_down(
        lambda: dramatiq.get_broker().enqueue(message),
        f"message {message.message_id} ({message.actor_name}) waits for recovery to send it again",
    )


def requeue_from_dead_workers() -> None:
    """Dramatiq's own maintenance, on every queue, now: the messages a worker fetched and never acked go back
    to their queues once its heartbeat is older than the broker's heartbeat timeout. Dramatiq runs it on a
    random one in a thousand broker commands (DRAMATIQ_MAINTENANCE_CHANCE), so a stage message a killed
    worker had prefetched could wait minutes, counted as pending, for anyone to take it."""
    broker = dramatiq.get_broker()
    dispatch = broker.scripts["dispatch"]  # type: ignore[attr-defined]
    for queue in broker.get_declared_queues() | broker.get_declared_delay_queues():
        dispatch(
            keys=[broker.namespace],  # type: ignore[attr-defined]
            args=["qsize", current_millis(), queue, broker.broker_id, broker.heartbeat_timeout,  # type: ignore[attr-defined]
                  broker.dead_message_ttl, 1, broker._max_unpack_size()],  # type: ignore[attr-defined]
        )  # fmt: skip


def pending_message_ids() -> set[str]:
    """Ids of every message the broker holds: queued, delayed for a retry, or fetched and not yet acked.

    Reads the Redis broker's own layout (dramatiq 2.x): a message of queue Q stays in the hash
    `<namespace>:Q.msgs` (`Q.DQ.msgs` while delayed) until acknowledged, under a Redis-only id that each
    enqueue draws anew; the message's own id, which a retry keeps, is in the encoded body."""
    broker = dramatiq.get_broker()
    client, namespace = broker.client, broker.namespace  # type: ignore[attr-defined]
    found: set[str] = set()
    for queue in broker.get_declared_queues() | broker.get_declared_delay_queues():
        for body in client.hscan_iter(f"{namespace}:{queue}.msgs", count=1000):
            found.add(json.loads(body[1])["message_id"])
    return found
