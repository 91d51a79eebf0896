"""The detect stage's work on a video's sampled frames, free of Django (bench/gpu_stages.py runs it on a GPU
machine without it): each picture the frames show is detected once, in batches, with the share of skin tones
in each box; a frame that shows a picture again (media.stills) gets the boxes of its first showing."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gpu_worker.skin import with_skin
from gpu_worker.types import Box
from media_jobs.media.stills import first_showings

if TYPE_CHECKING:
    from gpu_worker.detection import FrameDetector


@dataclass(frozen=True)
class DetectedBatch:
    """Frames detected together, and what it took."""

    frames: list[int]  # indexes of frames showing a picture for the first time
    seconds: float  # the detector's time on them (skin shares not included)
    source: str  # the detector that answered (a remote one can fall back to the local one)
    done: float  # the share of the video's new pictures detected once this batch is


def detect_frames(
    detector: FrameDetector,
    images: Sequence[np.ndarray],
    batch_size: int,
    on_batch: Callable[[DetectedBatch], None] = lambda batch: None,
) -> list[list[Box]]:
    """The boxes of every frame, in order; on_batch hears of each batch as it is done."""
    shown = first_showings(images)
    new = sorted(set(shown))
    found: dict[int, list[Box]] = {}
    for start in range(0, len(new), batch_size):
        indexes = new[start : start + batch_size]
        batch = [images[index] for index in indexes]
        started = time.perf_counter()
        boxes = detector.detect(batch)
        seconds = time.perf_counter() - started
        found.update(zip(indexes, with_skin(batch, boxes), strict=True))
        on_batch(DetectedBatch(indexes, seconds, detector.last_source, (start + len(batch)) / len(new)))
    return [found[first] for first in shown]
