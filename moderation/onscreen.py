"""Text on screen: which sampled frames are read, reading only boxes whose text is new, and what the reads
mean (lines that persist, marks in a corner over most of a video).

The detector runs on frames `READ_INTERVAL` seconds apart, shrunk to `READ_MAX_SIDE`, unless the picture is
the last one detected on again (a slide: media.stills); the recogniser reads a box only when no box of the
previous read frame sits in the same place with the same letters, so a caption shown for ten seconds or a
watermark over the whole video is read once per appearance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import cv2
import numpy as np

from gpu_worker.ocr import TextBox, TextLine, crop
from media_jobs.media.stills import StillPicture
from moderation.tracking import Detection, Track, build_tracks, track_keyframes

READ_INTERVAL = 2.0  # seconds between the frames read (the sampled frames are denser; text stays for seconds)
# Pixels: the detector's input (0.06-0.09 s a frame on 2 cores; 640: 0.15 s); small marks are still found.
READ_MAX_SIDE = 480
SAME_BOX_IOU = 0.5  # a box this close to one of the previous read frame is the same place
# The correlation of the letters (edges) of a place on two read frames at which its text is unchanged:
# measured on generated captions and marks over a moving background, the same text correlates above 0.94
# and a new caption below 0.1.
SAME_STROKES = 0.8
MIN_READ_SCORE = 0.6  # a reading less sure than this is not text (logos, textures): kept as "" for tracking
MIN_MARK_SHARE = 0.3  # a corner mark seen on fewer of the read frames is not worth a flag
TEXT, LOGO = "TEXT", "logo"  # the tracking label of every box; the label of a mark with no readable text


class Reader(Protocol):
    def detect(self, frame: np.ndarray, max_side: int) -> list[TextBox]: ...
    def read(self, crops: Sequence[np.ndarray]) -> list[TextLine]: ...


@dataclass(frozen=True)
class _Place:
    box: TextBox
    reading: int  # which crop's reading it shows: places whose letters did not change share one


@dataclass
class ReadStats:
    frames: int = 0  # frames the detector ran on
    boxes: int = 0  # text boxes found
    read: int = 0  # boxes the recogniser read (the rest were unchanged from the previous read frame)
    still: int = 0  # frames not detected on: the picture had not changed since the previous read frame


def frames_to_read(times: Sequence[float], interval: float = READ_INTERVAL) -> list[int]:
    """Indices of the sampled frames to read: the first, then each one at least `interval` after the last."""
    chosen: list[int] = []
    for index, t in enumerate(times):
        if not chosen or t - times[chosen[-1]] >= interval - 1e-6:
            chosen.append(index)
    return chosen


def read_frames(
    frames: Iterable[tuple[float, np.ndarray]], reader: Reader, stats: ReadStats
) -> list[dict[str, Any]]:
    """One sample per frame: {"t", "lines": [{"text", "score", "x1", "y1", "x2", "y2"}]}. Every frame is
    detected on first, then the new text of all of them is read."""
    found: list[tuple[float, list[_Place]]] = []
    crops: list[np.ndarray] = []
    previous: list[_Place] = []
    before: np.ndarray | None = None
    picture = StillPicture()
    for t, frame in frames:
        if picture.shows_again(frame):
            found.append((t, previous))  # a still picture (a slide): the same text
            stats.still += 1
            continue
        gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)
        boxes = reader.detect(frame, READ_MAX_SIDE)
        last = gray if before is None else before  # the first frame has no previous places to compare
        places = [_place(box, previous, last, gray, frame, crops) for box in boxes]
        stats.frames, stats.boxes = stats.frames + 1, stats.boxes + len(boxes)
        found.append((t, places))
        previous, before = places, gray
    lines = reader.read(crops)
    stats.read = len(crops)
    return [
        {"t": t, "lines": [_line(place.box, lines[place.reading]) for place in places]} for t, places in found
    ]


def _place(
    box: TextBox, previous: Sequence[_Place], before: np.ndarray, gray: np.ndarray, frame: np.ndarray,
    crops: list[np.ndarray],
) -> _Place:  # fmt: skip
    """The box, sharing the reading of the previous read frame's box in the same place when its letters
    (not the background) are the same; else with a new crop to read."""
    for seen in previous:
        if _iou(box, seen.box) >= SAME_BOX_IOU and _correlation(before, gray, seen.box) >= SAME_STROKES:
            return _Place(box, seen.reading)
    crops.append(crop(frame, box))
    return _Place(box, len(crops) - 1)


def _correlation(before: np.ndarray, gray: np.ndarray, box: TextBox) -> float:
    return float((_strokes(before, box) * _strokes(gray, box)).sum())


def _strokes(gray: np.ndarray, box: TextBox) -> np.ndarray:
    """The box's pixels less their blurred selves (edges: the letters), scaled to unit length."""
    height, width = gray.shape
    patch = gray[
        int(box.y1 * height) : int(box.y2 * height) + 1, int(box.x1 * width) : int(box.x2 * width) + 1
    ]
    detail = patch - cv2.GaussianBlur(patch, (0, 0), 2)
    return detail / (float(np.linalg.norm(detail)) + 1e-6)


def _line(box: TextBox, line: TextLine) -> dict[str, Any]:
    text = line.text if line.score >= MIN_READ_SCORE else ""
    return {"text": text, "score": round(line.score, 4), **{k: round(v, 4) for k, v in asdict(box).items()}}


def _iou(a: TextBox, b: TextBox) -> float:
    ix, iy = max(0.0, min(a.x2, b.x2) - max(a.x1, b.x1)), max(0.0, min(a.y2, b.y2) - max(a.y1, b.y1))
    union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - ix * iy
    return ix * iy / union if union > 0 else 0.0


@dataclass(frozen=True)
class Mark:
    """Text or a logo-like mark that stays in a corner: a watermark candidate."""

    label: str  # what it says, or LOGO
    share: float  # of the read frames it was seen on, 0..1
    start: float
    end: float
    keyframes: list[dict[str, float]]


def corner_marks(
    samples: Sequence[dict[str, Any]], interval: float, duration: float, corner: float
) -> list[Mark]:
    """Boxes that stay in one place inside a corner (within `corner` of two edges) on at least
    MIN_MARK_SHARE of the read frames; read or not (a logo the recogniser cannot read is still a mark)."""
    texts: dict[Detection, str] = {}
    timeline = []
    for sample in samples:
        found = [Detection(sample["t"], TEXT, line["score"], line["x1"], line["y1"], line["x2"], line["y2"])
                 for line in sample["lines"]]  # fmt: skip
        texts.update(
            (detection, line["text"]) for detection, line in zip(found, sample["lines"], strict=True)
        )
        timeline.append((sample["t"], found))
    marks = []
    for track in build_tracks(timeline, interval, still_iou=SAME_BOX_IOU):
        share = len(track.detections) / max(len(samples), 1)
        if share >= MIN_MARK_SHARE and all(_in_corner(d, corner) for d in track.detections):
            marks.append(_mark(track, share, interval, duration, texts))
    return marks


def _in_corner(d: Detection, corner: float) -> bool:
    horizontal = d.x2 <= corner or d.x1 >= 1 - corner
    vertical = d.y2 <= corner or d.y1 >= 1 - corner
    return horizontal and vertical


def _mark(track: Track, share: float, interval: float, duration: float, texts: dict[Detection, str]) -> Mark:
    said = Counter(texts[d] for d in track.detections if texts[d]).most_common(1)
    start, end, keyframes = track_keyframes(track, interval, duration)
    return Mark(said[0][0] if said else LOGO, round(share, 4), start, end, keyframes)


def text_runs(
    samples: Sequence[dict[str, Any]], interval: float, duration: float
) -> list[tuple[float, float, str]]:
    """(start, end, text) of each line while it stays on screen: read frame after read frame."""
    runs: list[list[Any]] = []
    open_runs: dict[str, list[Any]] = {}
    for sample in samples:
        t, now = sample["t"], {line["text"] for line in sample["lines"] if line["text"]}
        for text in now:
            run = open_runs.get(text)
            if run is None or t - run[1] > interval * 1.5:
                run = [t, t, text]
                runs.append(run)
                open_runs[text] = run
            run[1] = t
    return [(start, min(duration, end + interval), text) for start, end, text in runs]
