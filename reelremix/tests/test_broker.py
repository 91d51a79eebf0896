"""The broker's consumers, on the real embedded Redis: how soon an idle worker sees a queued message."""

import itertools
import time

import dramatiq
import pytest

from reelremix.broker import build_broker

QUEUE = "idle-poll-test"
WORKER_TIMEOUT_MS = 1_000  # what Dramatiq's command line gives its Worker, and the Worker its consumers


@pytest.fixture
def idle_consumer():
    # A broker of its own, built as a worker's is: a queue declared on the global one would also get a
    # consumer thread from every Worker that earlier tests started and stopped there (their middleware stays).
    broker = build_broker()
    broker.declare_queue(QUEUE)
    broker.flush(QUEUE)
    consumer = broker.consume(QUEUE, prefetch=1, timeout=WORKER_TIMEOUT_MS)
    yield broker, consumer
    consumer.close()
    broker.flush(QUEUE)
    broker.close()


def test_an_idle_consumer_looks_at_its_queue_at_least_every_idle_poll_interval(idle_consumer, settings):
    _, consumer = idle_consumer
    looks, deadline = [time.monotonic()], time.monotonic() + 2.5  # long enough for the back-off to reach 1 s

    while time.monotonic() < deadline:
        assert next(consumer) is None
        looks.append(time.monotonic())

    longest = max(later - earlier for earlier, later in itertools.pairwise(looks))
    assert longest <= settings.DRAMATIQ_IDLE_POLL_MS / 1000 + 0.15


def test_a_message_queued_after_a_long_idle_spell_is_taken_within_the_idle_poll_interval(
    idle_consumer, settings
):
    broker, consumer = idle_consumer
    idle_until = time.monotonic() + 2.5
    while time.monotonic() < idle_until:
        assert next(consumer) is None

    broker.enqueue(dramatiq.Message(queue_name=QUEUE, actor_name="nobody", args=(), kwargs={}, options={}))
    queued = time.monotonic()
    message = None
    while message is None:
        message = next(consumer)
    waited = time.monotonic() - queued
    consumer.ack(message)

    assert message.actor_name == "nobody"
    assert waited <= settings.DRAMATIQ_IDLE_POLL_MS / 1000 + 0.15
