"""The channel layer waits for messages longer than one blocking pop without failing."""

import asyncio
import time

from channels.layers import get_channel_layer


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
