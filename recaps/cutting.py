"""Footage for each scene: runs of the video's shots, from the scene's anchor on, that fill the scene's
length without any continuous run of source longer than the rights guard allows.

Pure code. A scene takes its shots in order (the shots a user pinned, else the shot holding its anchor and
those after it), a cut per shot; a run that reaches `max_run` jumps ahead (`JUMP` seconds, or to the next
shot) so that what the recap shows is always a cut of the source, never a stretch of it. Footage that runs
out at the end of the video continues from the start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recaps.media.types import Cut

MIN_CUT = 0.6  # seconds: a shorter piece of a shot is skipped (a flash the viewer cannot read)
JUMP = 1.0  # seconds skipped inside a shot when a run reaches the limit
EPSILON = 1e-3


@dataclass(frozen=True)
class Shot:
    index: int
    start: float
    end: float


@dataclass
class Run:
    """The continuous run of source that the last cut ended: where, and how long it has lasted."""

    end: float = -1.0
    length: float = 0.0

    def allowed_from(self, t: float, max_run: float) -> float:
        """How long a cut starting at t may last: it continues the run if it starts where the run ended."""
        return max_run - self.length if abs(t - self.end) < EPSILON else max_run

    def extend(self, cut: Cut) -> None:
        self.length = self.length + cut.duration if abs(cut.start - self.end) < EPSILON else cut.duration
        self.end = cut.end


def shot_order(shots: Sequence[Shot], first: int, pinned: Sequence[int] = ()) -> list[Shot]:
    """The shots a scene draws from, in order: the pinned ones first, then from `first` to the end of the
    video, then from its start (footage reused only when the scene outlasts what follows its anchor)."""
    by_index = {shot.index: shot for shot in shots}
    ordered = [by_index[index] for index in pinned if index in by_index]
    start = (ordered[-1].index + 1) if ordered else first
    position = next((k for k, shot in enumerate(shots) if shot.index >= start), len(shots))
    chosen = {shot.index for shot in ordered}
    return ordered + [shot for shot in [*shots[position:], *shots[:position]] if shot.index not in chosen]


def fill_scene(
    order: Sequence[Shot], length: float, max_run: float, run: Run, start_at: float | None = None
) -> list[Cut]:
    """Cuts from `order` that add up to `length` seconds (`start_at`: where in the first shot to begin).
    `run` carries the continuity from the scene before and is updated."""
    cuts: list[Cut] = []
    remaining = length
    for rounds in range(1 + int(length // max(MIN_CUT, 0.1)) + 1):  # footage reused when the video is short
        for k, shot in enumerate(order):
            begin = shot.start if (rounds or k or start_at is None) else max(shot.start, start_at)
            remaining = _cuts_of_shot(shot, begin, remaining, max_run, run, cuts)
            if remaining <= EPSILON:
                return cuts
    return cuts


def _cuts_of_shot(shot: Shot, t: float, remaining: float, max_run: float, run: Run, cuts: list[Cut]) -> float:
    while remaining > EPSILON and shot.end - t >= min(MIN_CUT, remaining):
        allowed = run.allowed_from(t, max_run)
        if allowed < min(MIN_CUT, remaining):
            t += JUMP  # the run is used up: jump ahead inside the shot
            continue
        cut = Cut(round(t, 3), round(t + min(allowed, shot.end - t, remaining), 3))
        cuts.append(cut)
        run.extend(cut)
        remaining -= cut.duration
        t = cut.end
    return remaining


@dataclass(frozen=True)
class Reuse:
    """What the rights guard reports: how much of the source the recap shows, and its longest run."""

    source_seconds: float  # distinct seconds of the source shown
    share: float  # of the source's duration
    longest_run: float  # the longest continuous run of source, across cut and scene boundaries
    cuts: int


def reuse_of(cuts: Sequence[Cut], duration: float) -> Reuse:
    longest, run = 0.0, Run()
    for cut in cuts:
        run.extend(cut)
        longest = max(longest, run.length)
    covered, reach = 0.0, -1.0
    for cut in sorted(cuts, key=lambda c: c.start):
        if cut.end > reach:
            covered += cut.end - max(cut.start, reach)
            reach = cut.end
    share = covered / duration if duration > 0 else 0.0
    return Reuse(round(covered, 3), round(min(share, 1.0), 4), round(longest, 3), len(cuts))
