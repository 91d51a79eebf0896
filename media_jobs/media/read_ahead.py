"""An iterator run in a thread of its own, a few items ahead of the code that takes them.

A render decodes, blurs and encodes every frame. Done in one thread, the decoder's and x264's own threads
leave part of the second core idle; with decoding and blurring in a thread of their own, and encoding in
the caller's, both cores stay busy (PyAV, FFmpeg and OpenCV release the GIL while they work).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
DEPTH = 8  # items made ahead: decoded 720p frames are 1.4 MB each
_POLL = 0.1  # seconds between the producer's looks at whether the consumer has gone
_DONE, _FAILED, _ITEM = "done", "failed", "item"


def read_ahead(items: Iterator[T], depth: int = DEPTH, name: str = "read-ahead") -> Generator[T, None, None]:
    """The items, in order, made by a background thread (`name`) at most `depth` ahead. An error raised while
    making them is raised here; closing this iterator stops the thread and closes `items` in it."""
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    gone = threading.Event()
    thread = threading.Thread(target=_produce, args=(items, handoff, gone), name=name, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == _DONE:
                return
            if kind == _FAILED:
                raise value
            yield value
    finally:
        gone.set()
        thread.join()


def _produce(items: Iterator[Any], handoff: queue.Queue[tuple[str, Any]], gone: threading.Event) -> None:
    try:
        for item in items:
            if not _put(handoff, (_ITEM, item), gone):
                return
        _put(handoff, (_DONE, None), gone)
    except BaseException as error:
        _put(handoff, (_FAILED, error), gone)
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()  # a generator's `with` blocks end in this thread, not in the garbage collector's


def _put(handoff: queue.Queue[tuple[str, Any]], entry: tuple[str, Any], gone: threading.Event) -> bool:
    """Hand an entry over, waiting for room; False when the consumer has gone."""
    while not gone.is_set():
        try:
            handoff.put(entry, timeout=_POLL)
            return True
        except queue.Full:
            continue
    return False
