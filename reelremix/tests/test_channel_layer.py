"""The channel layer: receives after long silences, and a cancelled receive stops at once."""

import asyncio
import functools
import threading
import time

from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch

LOOP_ITERATIONS_SWEPT = 40  # loop steps after which the loop is closed: covers a receive's first commands


def test_it_receives_a_message_sent_after_a_silence_of_more_than_5_seconds():
    async def silence_then_message() -> tuple[dict, float]:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        started = time.monotonic()

        async def send_later() -> None:
            await asyncio.sleep(6.0)
            await layer.send(channel, {"type": "progress", "percent": 50})

        sender = asyncio.create_task(send_later())
        message = await asyncio.wait_for(layer.receive(channel), timeout=20)
        await sender
        return message, time.monotonic() - started

    message, waited = asyncio.run(silence_then_message())
    assert message == {"type": "progress", "percent": 50}
    assert waited >= 6.0


def _close_loop_after(steps: int) -> None:
    """A consumer's dispatch loop (client queue + layer receive), its event loop closed after `steps`
    steps: asyncio.run cancels the leftover tasks, as daphne does when a socket goes away."""
    layer = get_channel_layer()

    async def consumer() -> None:
        channel = await layer.new_channel()
        client: asyncio.Queue[dict] = asyncio.Queue()
        await await_many_dispatch([client.get, functools.partial(layer.receive, channel)], _ignore)

    async def main() -> None:
        asyncio.ensure_future(consumer())  # noqa: RUF006  (left running on purpose)
        for _ in range(steps):
            await asyncio.sleep(0)

    asyncio.run(main())


async def _ignore(message: dict) -> None:
    pass


def test_it_stops_a_receive_cancelled_at_any_step_of_its_first_commands():
    # With a socket timeout, redis-py sent commands through asyncio.wait_for, which on Python 3.11
    # swallows a cancellation that arrives as the send completes: the receive then polled Redis
    # forever and the closing loop never finished (steps 10, 15, 18, 22, 24 hung here).
    hung = []
    for steps in range(LOOP_ITERATIONS_SWEPT):
        closing = threading.Thread(target=_close_loop_after, args=(steps,), daemon=True)
        closing.start()
        closing.join(timeout=5)
        if closing.is_alive():
            hung.append(steps)
    assert hung == []
