"""Where a clip's crop window sits on each output frame: following the active face, smoothly.

The window spans the source's full height (a wide source into a narrower aspect: it follows horizontally)
or full width (a tall source into a wider aspect: it follows vertically), so only one axis moves. Per
scene (the span between two cuts) the active face (face_tracks.active_track) is interpolated between its
samples, and the path is made in three non-causal steps, since the whole clip is known: a Gaussian
smoothing of the face's centre, a clamp that keeps the face box inside the window wherever it fits, and
a forward-backward rate limit so the window never moves more than MAX_STEP of the source per frame.
A cut resets all three: the window may jump there. Without a face it rests at the centre; a face unseen
for a short while (a missed detection) is held, longer absences glide to the centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from clips.media.face_tracks import FaceTrack, active_track
from clips.media.types import ClipSpec

Floats = npt.NDArray[np.float64]
MAX_STEP = 0.015  # fraction of the source's followed side the window may move per frame (< 2 %)
SMOOTH_SECONDS = 0.5  # sigma of the Gaussian that smooths the face's path
FACE_MARGIN = 0.04  # fraction of the window kept free around the face when it fits
SAMPLE_HOLD = 1.0  # seconds a face is assumed to stay where it was last (or first) seen
MAX_GAP = 3.0  # a face missing between two samples further apart than this is taken as gone
ASPECT_TOLERANCE = 0.01  # source and output aspects closer than this: no crop


@dataclass(frozen=True)
class CropPath:
    """The crop window (source pixels, even offsets) of every output frame."""

    width: int
    height: int
    x: npt.NDArray[np.int64]
    y: npt.NDArray[np.int64]
    face_frames: int  # frames where the followed face lies fully inside the window
    tracked_frames: int  # frames where a face is followed
    fallback: bool  # no face to follow anywhere in the clip: the window rests at the centre

    @property
    def frames(self) -> int:
        return len(self.x)

    @property
    def face_coverage(self) -> float:
        """Share of the frames with a followed face where that face is fully inside the window."""
        return self.face_frames / self.tracked_frames if self.tracked_frames else 1.0


@dataclass(frozen=True)
class Lane:
    """The followed face along the moving axis for one scene's frames, as window offsets in pixels."""

    target: Floats  # offset that centres the face (the centre of the frame where there is none)
    low: Floats  # smallest offset that keeps the face inside
    high: Floats  # largest offset that keeps the face inside
    present: npt.NDArray[np.bool_]  # frames where a face is followed
    first: Floats  # the face box's near edge (left or top) in source pixels
    last: Floats  # its far edge (right or bottom)


def even_floor(value: float) -> int:
    return int(value) // 2 * 2


def crop_size(source_width: int, source_height: int, width: int, height: int) -> tuple[int, int]:
    """The window's size in source pixels: the output's aspect, as large as the (even) source allows."""
    source_width, source_height = even_floor(source_width), even_floor(source_height)
    aspect, source_aspect = width / height, source_width / source_height
    if source_aspect > aspect * (1 + ASPECT_TOLERANCE):
        return even_floor(round(source_height * aspect)), source_height
    if source_aspect < aspect * (1 - ASPECT_TOLERANCE):
        return source_width, even_floor(round(source_width / aspect))
    return source_width, source_height


def output_times(spec: ClipSpec, fps: float) -> Floats:
    """Source time of every output frame: the clip's span at the source's frame rate."""
    return spec.start + np.arange(max(1, round(spec.duration * fps))) / fps


def crop_path(spec: ClipSpec, source_width: int, source_height: int, fps: float) -> CropPath:
    """The window of every output frame of the clip, following its active face."""
    width, height = crop_size(source_width, source_height, spec.width, spec.height)
    times = output_times(spec, fps)
    vertical = height < even_floor(source_height)
    side, window = (even_floor(source_height), height) if vertical else (even_floor(source_width), width)
    lanes = [
        face_lane(active_track(spec.faces, a, b), times[scene], side, window, vertical)
        for (a, b), scene in _scenes(spec, times)
    ]
    offsets = np.concatenate([follow(lane, side, window, fps) for lane in lanes])
    first, last = (
        np.concatenate([lane.first for lane in lanes]),
        np.concatenate([lane.last for lane in lanes]),
    )
    present = np.concatenate([lane.present for lane in lanes])
    inside = present & (offsets <= first) & (offsets + window >= last)
    still = np.zeros(len(times), np.int64)
    return CropPath(
        width=width,
        height=height,
        x=still if vertical else offsets,
        y=offsets if vertical else still,
        face_frames=int(inside.sum()),
        tracked_frames=int(present.sum()),
        fallback=not present.any(),
    )


def _scenes(spec: ClipSpec, times: Floats) -> list[tuple[tuple[float, float], npt.NDArray[np.bool_]]]:
    """(start, end) of each scene inside the clip and the mask of its frames."""
    bounds = [spec.start, *sorted(cut for cut in spec.cuts if spec.start < cut < spec.end), np.inf]
    scenes = [((a, min(b, spec.end)), (times >= a) & (times < b)) for a, b in pairwise(bounds)]
    return [(span, mask) for span, mask in scenes if mask.any()]


def face_lane(track: FaceTrack | None, times: Floats, side: int, window: int, vertical: bool) -> Lane:
    """Where the track's face is on these frames, as offsets that centre it or keep it inside."""
    centre = np.full(len(times), (side - window) / 2)
    if track is None:
        nowhere = np.zeros(len(times))
        return Lane(centre, nowhere, centre * 2, np.zeros(len(times), bool), nowhere, nowhere)
    seen = np.array(track.times)
    edges = [(box.y1, box.y2) if vertical else (box.x1, box.x2) for box in track.boxes]
    first = np.interp(times, seen, [edge[0] * side for edge in edges])
    last = np.interp(times, seen, [edge[1] * side for edge in edges])
    present = _present(times, seen)
    margin = FACE_MARGIN * window
    fits = last - first + 2 * margin <= window
    middle = (first + last - window) / 2
    low = np.where(fits, last + margin - window, middle).clip(0, side - window)
    high = np.where(fits, first - margin, middle).clip(0, side - window)
    return Lane(
        target=np.where(present, middle, centre),
        low=np.where(present, low, 0.0),
        high=np.where(present, np.maximum(high, low), side - window),
        present=present,
        first=first,
        last=last,
    )


def _present(times: Floats, seen: Floats) -> npt.NDArray[np.bool_]:
    """Frames close to a sample of the face, or inside a short gap between two of its samples."""
    after = (
        np.searchsorted(seen, times).clip(1, len(seen) - 1) if len(seen) > 1 else np.zeros(len(times), int)
    )
    before = np.maximum(after - 1, 0)
    near = np.minimum(np.abs(times - seen[before]), np.abs(times - seen[after])) <= SAMPLE_HOLD
    bridged = (seen[before] <= times) & (times <= seen[after]) & (seen[after] - seen[before] <= MAX_GAP)
    return near | bridged


def follow(lane: Lane, side: int, window: int, fps: float) -> npt.NDArray[np.int64]:
    """Smoothed, clamped around the face, rate limited, and rounded to even pixels."""
    smoothed = gaussian_smooth(lane.target, SMOOTH_SECONDS * fps)
    limited = rate_limit(np.clip(smoothed, lane.low, lane.high), MAX_STEP * side)
    return (np.round(limited.clip(0, side - window) / 2) * 2).astype(np.int64).clip(0, side - window)


def gaussian_smooth(values: Floats, sigma: float) -> Floats:
    """A Gaussian blur along time, the ends padded with their own values (no pull towards zero)."""
    radius = max(1, round(3 * sigma))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / max(sigma, 1e-6)) ** 2)
    padded = np.pad(values, radius, mode="edge")
    return np.convolve(padded, kernel / kernel.sum(), mode="valid")


def rate_limit(values: Floats, step: float) -> Floats:
    """The path moved as little as possible so that no two neighbours differ by more than `step`."""
    limited = values.copy()
    for index in range(1, len(limited)):  # forward, then backward: the second pass keeps the bound
        limited[index] = min(max(limited[index], limited[index - 1] - step), limited[index - 1] + step)
    for index in range(len(limited) - 2, -1, -1):
        limited[index] = min(max(limited[index], limited[index + 1] - step), limited[index + 1] + step)
    return limited
