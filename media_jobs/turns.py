"""Exclusive stages take turns: at most `EXCLUSIVE_STAGES_AT_ONCE` of them run at once in a worker process.

A stage is exclusive when it keeps every core busy on its own: the model stages, whose runtimes (ONNX
Runtime, CTranslate2) spread each call over all the cores. Two of them side by side only make their
thread pools fight over the same cores: on the project's 2 cores, the moderation of a 5-minute video
took 15 CPU seconds more with its three model stages side by side than one after another, and finished
6 s later (bench/RESULTS.md). A stage waiting for its turn holds its claim and its heartbeat: it shows
as running, with a description that says it waits.

Turns go by rank, the lowest first: a job's exclusive stages rank in the order its kind lists them, so
that a stage other work waits on goes first (moderation's detect, which the blurred picture follows, before
transcribe). A stage of a higher rank that finds a turn free first gives the others asked for with it
`GRACE_SECONDS` to ask: a job's model stages are queued together, and their threads race for the turn."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

WAKE_SECONDS = 0.5  # a waiting thread wakes this often, so that Dramatiq can interrupt it (shutdown)
GRACE_SECONDS = 0.25

_changed = threading.Condition()
_running: set[object] = set()  # a token per exclusive stage running in this process
_asking: dict[object, int] = {}  # the rank of each exclusive stage asking for a turn


@contextmanager
def turn(waiting: Callable[[], None], rank: int = 0) -> Iterator[None]:
    """Wait until fewer than EXCLUSIVE_STAGES_AT_ONCE exclusive stages run in this process (0: no limit) and
    none of a lower rank asks for a turn, then run the body as one of them. `waiting` is called once if the
    body has to wait."""
    token = object()
    try:  # the token is taken inside the try: an exception raised in this thread cannot leak a turn
        if not _take(token, rank, block=False):
            waiting()
            _take(token, rank, block=True)
        yield
    finally:
        with _changed:
            _running.discard(token)
            _asking.pop(token, None)
            _changed.notify_all()  # every waiter checks its rank


def _take(token: object, rank: int, *, block: bool) -> bool:
    """Take a turn for `token`; without `block`, False when none is free (after the grace, for a rank > 0)."""
    with _changed:
        _asking[token] = rank
        if not block and rank > 0:
            _grace(rank)
        while not _mine(rank):
            if not block:
                return False
            _changed.wait(WAKE_SECONDS)  # back in Python at least this often: Dramatiq can interrupt it
        del _asking[token]
        _running.add(token)
        return True


def _mine(rank: int) -> bool:
    limit = settings.EXCLUSIVE_STAGES_AT_ONCE
    return not limit or (len(_running) < limit and min(_asking.values()) >= rank)


def _grace(rank: int) -> None:
    """Let a stage of a lower rank that was queued with this one ask first (the condition's lock held)."""
    deadline = time.monotonic() + GRACE_SECONDS
    while settings.EXCLUSIVE_STAGES_AT_ONCE and min(_asking.values()) >= rank:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        _changed.wait(left)
