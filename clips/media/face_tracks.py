"""Which face a clip follows: sampled detections linked into tracks, and the track that matters most.

Detections arrive at about one sample per second, with false positives (mostly low scores, seen once) and
missed frames. Faces are linked greedily from sample to sample by the distance between box centres; a
track is worth the sum over its samples of score x sqrt(area), so a face that stays on screen beats a
larger one glimpsed once, and a big face beats a small one seen as often. A track seen once with a low
score is a blip and is never followed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from clips.media.types import FaceBox, FaceSample

MIN_SCORE = 0.3  # detections below this are noise, whatever their track
BLIP_SCORE = 0.6  # a face seen on a single sample is followed only from this score up
LINK_DISTANCE = 0.4  # how far (fraction of the frame) a face's centre may move in a second (one sample)
LINK_GAP = 3.0  # seconds a track may go unseen and still be continued


@dataclass
class FaceTrack:
    """One face followed over samples: the times it was seen and its box each time."""

    times: list[float] = field(default_factory=list)
    boxes: list[FaceBox] = field(default_factory=list)

    def add(self, t: float, box: FaceBox) -> None:
        self.times.append(t)
        self.boxes.append(box)

    @property
    def weight(self) -> float:
        """How much the track matters: presence times size, discounted by confidence."""
        return sum(box.score * math.sqrt(_area(box)) for box in self.boxes)

    @property
    def is_blip(self) -> bool:
        return len(self.boxes) == 1 and self.boxes[0].score < BLIP_SCORE


def link_tracks(samples: Sequence[FaceSample]) -> list[FaceTrack]:
    """Tracks over the samples in time order; every face joins the nearest recent track or starts one."""
    tracks: list[FaceTrack] = []
    for sample in sorted(samples, key=lambda sample: sample.t):
        taken: set[int] = set()
        for box in sorted(sample.faces, key=lambda box: -box.score):
            if box.score < MIN_SCORE:
                continue
            index = _nearest_track(tracks, taken, sample.t, box)
            if index is None:
                tracks.append(FaceTrack())
                index = len(tracks) - 1
            tracks[index].add(sample.t, box)
            taken.add(index)
    return tracks


def active_track(samples: Sequence[FaceSample], start: float, end: float) -> FaceTrack | None:
    """The track to follow over [start, end] (samples outside are ignored); None when no face counts."""
    inside = [sample for sample in samples if start - 0.5 <= sample.t <= end + 0.5]
    candidates = [track for track in link_tracks(inside) if not track.is_blip]
    return max(candidates, key=lambda track: track.weight, default=None)


def _nearest_track(tracks: list[FaceTrack], taken: set[int], t: float, box: FaceBox) -> int | None:
    best, best_distance = None, LINK_DISTANCE
    for index, track in enumerate(tracks):
        if index in taken or t - track.times[-1] > LINK_GAP:
            continue
        distance = math.dist(_centre(track.boxes[-1]), _centre(box))
        if distance <= best_distance:
            best, best_distance = index, distance
    return best


def _centre(box: FaceBox) -> tuple[float, float]:
    return (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2


def _area(box: FaceBox) -> float:
    return max(box.x2 - box.x1, 0.0) * max(box.y2 - box.y1, 0.0)
