"""Detections on sampled frames become tracks: one moving box per object over a time span.

Frames are sampled every `interval` seconds, so an object seen at samples t1..tn was on screen from
somewhere in (t1 - interval, t1] to [tn, tn + interval). A track therefore covers one interval more
on each side, extrapolating the motion there, and its boxes get a margin that grows with the
distance the object moves between samples, so that every frame of the span is covered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from gpu_worker.skin import shows_skin

MIN_MARGIN = 0.15  # of the box size, each side: detectors crop faces tightly
MAX_GAP_SAMPLES = 2  # a track survives this many samples without a detection (a missed frame)
MATCH_IOU = 0.1  # boxes on consecutive samples that overlap this much are one object
# A body part seen again where it was, after a longer gap, is the same one: NudeNet drops an object on some
# samples and finds it again (a moderator gets one flag for it, not one per reappearance).
REAPPEAR_GAP_SAMPLES = 5
REAPPEAR_IOU = 0.5
# Or whose centres are at most this many box sides apart a sample, from where the track's motion puts it:
# a small face in a wide shot crosses several of its own widths a second (a 50 px face walking across a
# 720p frame in 25 s moves two), a close-up a fraction of one.
MATCH_SIDES = 3.0
# A track is judged by its best score unless it looks like noise (judged_score); tuned on the tuning half of
# `python -m bench faces` (abstract footage and a real face), reported on the other half.
# A track seen on one sample only keeps its score when the detector was at least this sure: faces (a privacy
# blur) need to be clear; a body part is kept reviewable from lower, since missing nudity costs more.
LONE_SURE = {"FACE": 0.75}
LONE_SURE_BODY = 0.4
NOISE_DISCOUNT = 0.5  # what a track that looks like noise keeps of its score
WHOLE_FRAME = 0.6  # a body part whose box covers this share of the frame is a texture, not a body
# A track whose boxes hold less than this share of skin-toned pixels (the median over its coloured samples,
# gpu_worker.skin) is a pattern, not a face or a body: fractals' false faces hold 0.04-0.08, real faces
# 0.74-0.93 (chosen on the tuning half of `python -m bench faces`).
SKIN_PLAUSIBLE = 0.25


@dataclass(frozen=True)
class Detection:
    t: float
    label: str
    score: float
    x1: float
    y1: float
    x2: float
    y2: float
    skin: float | None = None  # share of skin-toned pixels in the box; None: not measured, or grey


@dataclass
class Track:
    label: str
    detections: list[Detection] = field(default_factory=list)

    @property
    def score(self) -> float:
        return max(d.score for d in self.detections)

    @property
    def last(self) -> Detection:
        return self.detections[-1]

    @property
    def skin(self) -> float | None:
        """The median skin share of the detections that have one (None when none has)."""
        shares = sorted(d.skin for d in self.detections if d.skin is not None)
        return shares[len(shares) // 2] if shares else None


def judged_score(track: Track) -> float:
    """The score the policy judges a track by: its best detection's, discounted when the track looks like
    noise: a detection on a single sample the detector was not sure of (a real face or body stays on screen
    over several samples; fractals and test patterns make faces flicker for one frame), or a body part
    whose box fills most of the frame on most samples (a colour texture, not a body; SafeSearch's
    whole-frame ADULT and RACY are not body parts), or boxes in colour that hold almost no skin tones.
    Each sign discounts once; a moderator still sees a discounted track that scores high enough."""
    score = track.score
    if len(track.detections) == 1 and score < LONE_SURE.get(track.label, LONE_SURE_BODY):
        score *= NOISE_DISCOUNT
    skin = track.skin
    if shows_skin(track.label) and skin is not None and skin < SKIN_PLAUSIBLE:
        score *= NOISE_DISCOUNT
    if track.label.endswith("_EXPOSED"):
        areas = sorted((d.x2 - d.x1) * (d.y2 - d.y1) for d in track.detections)
        if areas[len(areas) // 2] >= WHOLE_FRAME:
            score *= NOISE_DISCOUNT
    return round(score, 4)


def _iou(a: Detection, b: Detection) -> float:
    ix = max(0.0, min(a.x2, b.x2) - max(a.x1, b.x1))
    iy = max(0.0, min(a.y2, b.y2) - max(a.y1, b.y1))
    inter = ix * iy
    union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter
    return inter / union if union > 0 else 0.0


def _centre_distance(a: Detection, b: Detection) -> float:
    return float(abs((a.x1 + a.x2) - (b.x1 + b.x2)) / 2 + abs((a.y1 + a.y2) - (b.y1 + b.y2)) / 2)


def _expected(track: Track, t: float) -> Detection:
    """Where the track's object should be at t: its last box, moved on at its latest speed."""
    last = track.last
    if len(track.detections) < 2:
        return last
    before = track.detections[-2]
    moved = (t - last.t) / (last.t - before.t)
    dx = (last.x1 + last.x2 - before.x1 - before.x2) / 2 * moved
    dy = (last.y1 + last.y2 - before.y1 - before.y2) / 2 * moved
    return Detection(t, last.label, last.score, last.x1 + dx, last.y1 + dy, last.x2 + dx, last.y2 + dy)


def _best_track(
    detection: Detection, open_tracks: list[Track], interval: float, still_iou: float | None
) -> Track | None:
    """The open track this detection continues, nearest first (see _near)."""
    best, best_cost = None, float("inf")
    for track in open_tracks:
        gap = detection.t - track.last.t
        if track.label != detection.label or gap <= 0:
            continue
        if gap > interval * (MAX_GAP_SAMPLES + 0.5):
            if not _reappears(detection, track.last, gap / interval):
                continue
            expected = track.last
        else:
            expected = _expected(track, detection.t) if still_iou is None else track.last
            if not _near(detection, expected, max(1.0, gap / interval), still_iou):
                continue
        cost = _centre_distance(detection, expected)
        if cost < best_cost:
            best, best_cost = track, cost
    return best


def _reappears(detection: Detection, last: Detection, samples: float) -> bool:
    """A body part found again where it was last seen, REAPPEAR_GAP_SAMPLES samples later at most."""
    return (
        detection.label.endswith("_EXPOSED")
        and samples <= REAPPEAR_GAP_SAMPLES + 0.5
        and _iou(detection, last) >= REAPPEAR_IOU
    )


def _near(detection: Detection, expected: Detection, samples: float, still_iou: float | None) -> bool:
    """Overlapping where the track's motion leads, or at most MATCH_SIDES box sides a sample from there;
    for still objects, overlapping the track's last box by still_iou."""
    if still_iou is not None:
        return _iou(detection, expected) >= still_iou
    size = max(expected.x2 - expected.x1, expected.y2 - expected.y1)
    far = _centre_distance(detection, expected) > MATCH_SIDES * size * samples
    return _iou(detection, expected) >= MATCH_IOU or not far


def build_tracks(
    samples: Sequence[tuple[float, Sequence[Detection]]], interval: float, still_iou: float | None = None
) -> list[Track]:
    """Greedy association of detections on consecutive samples into tracks, per label. Objects may move,
    unless still_iou is given: then a track holds boxes that each overlap the one before by that much."""
    tracks: list[Track] = []
    for _, detections in sorted(samples, key=lambda sample: sample[0]):
        claimed: set[int] = set()
        for detection in sorted(detections, key=lambda d: -d.score):
            open_tracks = [t for t in tracks if id(t) not in claimed]
            track = _best_track(detection, open_tracks, interval, still_iou)
            if track is None:
                track = Track(detection.label)
                tracks.append(track)
            track.detections.append(detection)
            claimed.add(id(track))
    return tracks


def _expanded(d: Detection, t: float, margin: float) -> dict[str, float]:
    w, h = d.x2 - d.x1, d.y2 - d.y1
    return {
        "t": round(t, 4),
        "x1": max(0.0, d.x1 - margin * w),
        "y1": max(0.0, d.y1 - margin * h),
        "x2": min(1.0, d.x2 + margin * w),
        "y2": min(1.0, d.y2 + margin * h),
    }


def _shifted(d: Detection, towards: Detection, t: float) -> Detection:
    """`d` moved by the motion from `towards` to `d`, placed at time t (extrapolation)."""
    dx, dy = d.x1 - towards.x1, d.y1 - towards.y1
    return Detection(t, d.label, d.score, d.x1 + dx, d.y1 + dy, d.x2 + dx, d.y2 + dy)


def track_keyframes(
    track: Track, interval: float, duration: float
) -> tuple[float, float, list[dict[str, float]]]:
    """(start, end, keyframes) covering every frame the object may be on screen."""
    detections = track.detections
    start, end = max(0.0, detections[0].t - interval), min(duration, detections[-1].t + interval)
    motion = max((_centre_distance(a, b) for a, b in pairwise(detections)), default=0.0)
    size = max(max(d.x2 - d.x1, d.y2 - d.y1) for d in detections)
    # Linear interpolation follows steady motion; the extra margin absorbs curves and speed changes.
    margin = MIN_MARGIN + (0.25 * motion / size if size else 0.0)
    first = _shifted(detections[0], detections[1], start) if len(detections) > 1 else detections[0]
    last = _shifted(detections[-1], detections[-2], end) if len(detections) > 1 else detections[-1]
    points = [(start, first), *((d.t, d) for d in detections), (end, last)]
    return start, end, [_expanded(d, t, margin) for t, d in points]


def reshaped_keyframes(
    keyframes: list[dict[str, float]], shown: dict[str, float], new_box: dict[str, float]
) -> list[dict[str, float]]:
    """A moderator redrew the box of keyframe `shown`: move and scale every keyframe the same way, so
    the track keeps its motion with the corrected size and placement (clamped to the frame)."""
    scale_x = (new_box["x2"] - new_box["x1"]) / max(shown["x2"] - shown["x1"], 1e-6)
    scale_y = (new_box["y2"] - new_box["y1"]) / max(shown["y2"] - shown["y1"], 1e-6)
    shift_x = (new_box["x1"] + new_box["x2"] - shown["x1"] - shown["x2"]) / 2
    shift_y = (new_box["y1"] + new_box["y2"] - shown["y1"] - shown["y2"]) / 2
    reshaped = []
    for k in keyframes:
        cx, cy = (k["x1"] + k["x2"]) / 2 + shift_x, (k["y1"] + k["y2"]) / 2 + shift_y
        half_w, half_h = (k["x2"] - k["x1"]) * scale_x / 2, (k["y2"] - k["y1"]) * scale_y / 2
        box = {"x1": cx - half_w, "y1": cy - half_h, "x2": cx + half_w, "y2": cy + half_h}
        reshaped.append({"t": k["t"], **{name: min(1.0, max(0.0, v)) for name, v in box.items()}})
    return reshaped
