"""Exclusive stages take turns: at most `EXCLUSIVE_STAGES_AT_ONCE` of them run at once in a worker process.

A stage is exclusive when it keeps every core busy on its own: the model stages, whose runtimes (ONNX
Runtime, CTranslate2) spread each call over all the cores. Two of them side by side only make their
thread pools fight over the same cores: on the project's 2 cores, the moderation of a 5-minute video
took 15 CPU seconds more with its three model stages side by side than one after another, and finished
6 s later (bench/RESULTS.md). A stage waiting for its turn holds its claim and its heartbeat: it shows
as running, with a description that says it waits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

WAKE_SECONDS = 0.5  # a waiting thread wakes this often, so that Dramatiq can interrupt it (shutdown)

_changed = threading.Condition()
_running: set[object] = set()  # a token per exclusive stage running in this process


@contextmanager
def turn(waiting: Callable[[], None]) -> Iterator[None]:
    """Wait until fewer than EXCLUSIVE_STAGES_AT_ONCE exclusive stages run in this process (0: no limit),
    then run the body as one of them. `waiting` is called once if the body has to wait."""
    token = object()
    try:  # the token is taken inside the try: an exception raised in this thread cannot leak a turn
        if not _take(token, block=False):
            waiting()
            _take(token, block=True)
        yield
    finally:
        with _changed:
            _running.discard(token)
            _changed.notify()


def _take(token: object, *, block: bool) -> bool:
    """Take a turn for `token`; without `block`, False at once when none is free."""
    with _changed:
        while (limit := settings.EXCLUSIVE_STAGES_AT_ONCE) and len(_running) >= limit:
            if not block:
                return False
            _changed.wait(WAKE_SECONDS)  # back in Python at least this often: Dramatiq can interrupt it
        _running.add(token)
        return True
