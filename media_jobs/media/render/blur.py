"""Where a censored render blurs (boxes along BlurTracks) and how (a heavy blur on a frame's YUV planes)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

import av
import cv2
import numpy as np

from media_jobs.media.types import BlurTrack, BoxAt

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 as fractions of the displayed frame
SAMPLES_ACROSS = 6  # what is left of a blurred region: this many averaged samples across its shorter side
TIME_EPSILON = 1e-6  # float noise on frame times must never drop a frame at a span's inclusive end


class TrackPath:
    """The box of one BlurTrack at any time: linear between keyframes, held before and after them."""

    def __init__(self, track: BlurTrack) -> None:
        if not track.keyframes:
            raise ValueError("a BlurTrack needs at least one keyframe")
        keyframes = sorted(track.keyframes, key=lambda keyframe: keyframe.t)
        self.start, self.end = track.start, track.end
        self.times = [keyframe.t for keyframe in keyframes]
        self.boxes = [_as_box(keyframe) for keyframe in keyframes]

    def covers(self, start: float, end: float) -> bool:
        """Whether a frame displayed over [start, end) overlaps the track's span [self.start, self.end]."""
        return start <= self.end + TIME_EPSILON and end > self.start

    def box_at(self, t: float) -> Box:
        """The interpolated box at time t."""
        after = bisect_right(self.times, t)
        if after == 0:
            return self.boxes[0]
        if after == len(self.times):
            return self.boxes[-1]
        t0, t1 = self.times[after - 1], self.times[after]
        weight = (t - t0) / (t1 - t0)
        before, later = self.boxes[after - 1], self.boxes[after]
        return (
            before[0] + (later[0] - before[0]) * weight,
            before[1] + (later[1] - before[1]) * weight,
            before[2] + (later[2] - before[2]) * weight,
            before[3] + (later[3] - before[3]) * weight,
        )


class BlurSchedule:
    """The boxes to blur in each frame, from a censor plan's BlurTracks."""

    def __init__(self, tracks: Sequence[BlurTrack]) -> None:
        self.paths = [TrackPath(track) for track in tracks]

    def boxes(self, start: float, end: float) -> list[Box]:
        """Boxes for a frame displayed over [start, end); a frame entering a span takes its first box."""
        return [path.box_at(max(start, path.start)) for path in self.paths if path.covers(start, end)]


def _as_box(keyframe: BoxAt) -> Box:
    return (keyframe.x1, keyframe.y1, keyframe.x2, keyframe.y2)


def blur_frame(frame: av.VideoFrame, boxes: Sequence[Box]) -> None:
    """Blur the boxes of a yuv420p frame in place (on every plane, so no colour detail survives either)."""
    frame.make_writable()  # a decoded frame may share its buffer with the decoder's reference pictures
    for plane in frame.planes:
        pixels = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)[
            :, : plane.width
        ]
        for box in boxes:
            blur_region(pixels, box)


def blur_region(pixels: np.ndarray, box: Box) -> None:
    """Shrink the box's pixels to SAMPLES_ACROSS averaged samples and scale them back up smoothly."""
    height, width = pixels.shape
    left, right = _pixel_span(box[0], box[2], width)
    top, bottom = _pixel_span(box[1], box[3], height)
    if right - left < 2 or bottom - top < 2:
        return
    region = np.ascontiguousarray(pixels[top:bottom, left:right])
    step = max(min(region.shape) / SAMPLES_ACROSS, 1.0)
    coarse = (max(1, round(region.shape[1] / step)), max(1, round(region.shape[0] / step)))
    samples = cv2.resize(region, coarse, interpolation=cv2.INTER_AREA)
    pixels[top:bottom, left:right] = cv2.resize(
        samples, (region.shape[1], region.shape[0]), interpolation=cv2.INTER_LINEAR
    )


def _pixel_span(a: float, b: float, size: int) -> tuple[int, int]:
    """Pixels [low, high) that a fractional span touches, widened outwards so no edge pixel escapes."""
    low = min(max(math.floor(min(a, b) * size), 0), size)
    high = min(max(math.ceil(max(a, b) * size), 0), size)
    return low, high
