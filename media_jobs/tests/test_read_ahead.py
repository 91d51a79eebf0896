"""read_ahead: a generator run in its own thread, its items, errors and closing handed to the consumer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from media_jobs.media.read_ahead import read_ahead


def test_it_yields_every_item_in_order_made_in_another_thread():
    threads = set()

    def made() -> Iterator[int]:
        for number in range(50):
            threads.add(threading.current_thread().name)
            yield number

    assert list(read_ahead(made(), depth=3)) == list(range(50))
    assert threads == {"read-ahead"}


def test_it_raises_the_producers_error_after_the_items_before_it():
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("the third frame is corrupt")

    taken = []
    with pytest.raises(ValueError, match="the third frame is corrupt"):
        for item in read_ahead(failing()):
            taken.append(item)
    assert taken == [1, 2]


def test_closing_it_early_stops_the_producer_and_closes_its_source():
    closed = threading.Event()
    made = []

    def endless() -> Iterator[int]:
        try:
            number = 0
            while True:
                made.append(number)
                yield number
                number += 1
        finally:
            closed.set()

    items = read_ahead(endless(), depth=4)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    started = time.monotonic()
    items.close()  # as when the encoder fails and the render gives up
    assert closed.is_set(), "the source generator was not closed"
    assert time.monotonic() - started < 2.0
    assert len(made) <= 3 + 4 + 2  # taken, queued, and at most one in hand while the queue was full
    assert not any(thread.name == "read-ahead" for thread in threading.enumerate())
