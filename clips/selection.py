"""Finding clips: candidate windows that start and end on sentence boundaries (scenes, for a video with no
speech), scored by clips.scoring, then the best ones that do not overlap by more than MAX_OVERLAP.

A candidate is a run of whole sentences between `min_seconds` and `max_seconds` long. Its in point sits a
moment before the first word (LEAD), its out point a moment after the last (TAIL), never into the words
around it; a scene cut in the pause before the first sentence (or just after the last) becomes the in (out)
point instead, so the clip opens on a fresh shot.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from clips import scoring
from clips.analysis import Analysis
from search.segmenting import Window

LEAD = 0.15  # seconds before the first word
TAIL = 0.35  # seconds after the last word
CUT_REACH = 1.0  # a scene cut this close outside a window's speech becomes its edge
MAX_OVERLAP = 3.0  # seconds two chosen clips may share
SNAP_REACH = 2.0  # an edited in or out point snaps to a word boundary this close


@dataclass(frozen=True)
class ClipOptions:
    min_seconds: float = 15.0
    max_seconds: float = 60.0
    count: int = 10


@dataclass(frozen=True)
class Candidate:
    start: float
    end: float
    text: str
    on_cut: bool


def candidates(analysis: Analysis, options: ClipOptions) -> list[Candidate]:
    """Every window of whole sentences (else whole scenes) whose length fits the options."""
    units = analysis.sentences or _scenes(analysis, options.max_seconds)
    found = []
    for first in range(len(units)):
        for last in range(first, len(units)):
            start, start_on_cut = _in_point(analysis, units, first)
            end, end_on_cut = _out_point(analysis, units, last)
            length = end - start
            if length > options.max_seconds:
                break
            if length >= options.min_seconds:
                text = " ".join(unit.text for unit in units[first : last + 1] if unit.text)
                found.append(Candidate(start, end, text, start_on_cut or end_on_cut))
    return found


def _scenes(analysis: Analysis, longest: float) -> list[Window]:
    """A silent video's units: its scenes, a scene longer than `longest` cut into equal pieces."""
    bounds = [0.0, *[cut for cut in analysis.cuts if 0.0 < cut < analysis.duration], analysis.duration]
    units = []
    for start, end in itertools.pairwise(bounds):
        pieces = max(1, math.ceil((end - start) / longest))
        step = (end - start) / pieces
        units += [Window(start + i * step, start + (i + 1) * step, "") for i in range(pieces)]
    return [unit for unit in units if unit.end > unit.start]


def _in_point(analysis: Analysis, units: Sequence[Window], index: int) -> tuple[float, bool]:
    unit = units[index]
    if not unit.text:
        return unit.start, unit.start in analysis.cuts
    previous_end = units[index - 1].end if index > 0 else 0.0
    cut = _cut_within(analysis, max(previous_end, unit.start - CUT_REACH), unit.start)
    if cut is not None:
        return cut, True
    return max(previous_end, unit.start - LEAD, 0.0), False


def _out_point(analysis: Analysis, units: Sequence[Window], index: int) -> tuple[float, bool]:
    unit = units[index]
    if not unit.text:
        return unit.end, unit.end in analysis.cuts
    following = units[index + 1].start if index + 1 < len(units) else analysis.duration
    cut = _cut_within(analysis, unit.end, min(following, unit.end + CUT_REACH))
    if cut is not None:
        return cut, True
    return min(following, unit.end + TAIL, analysis.duration), False


def _cut_within(analysis: Analysis, low: float, high: float) -> float | None:
    inside = [cut for cut in analysis.cuts if low <= cut <= high]
    return inside[0] if inside else None


def score(analysis: Analysis, found: Sequence[Candidate]) -> list[scoring.Scored]:
    """Every candidate with its parts, its risk and its combined score."""
    similarities = [analysis.closeness_between(c.start, c.end) for c in found]
    known = np.sort(np.array([value for value in similarities if value is not None]))
    scored = []
    for candidate, similarity in zip(found, similarities, strict=True):
        rank = _share_below(known, similarity)
        parts = {
            "hook": scoring.hook(analysis, candidate.start, candidate.end),
            "density": scoring.density(analysis, candidate.start, candidate.end),
            "centrality": scoring.centrality(analysis, candidate.start, candidate.end, rank),
            "energy": scoring.energy(analysis, candidate.start, candidate.end),
            "completeness": scoring.completeness(analysis, candidate.start, candidate.end, candidate.on_cut),
        }
        risk, safe, why = scoring.risk(analysis.flags, analysis.case_state, candidate.start, candidate.end)
        total = scoring.combine(parts, risk, safe)
        scored.append(
            scoring.Scored(candidate.start, candidate.end, candidate.text, total, parts, risk, safe, why)
        )
    return scored


def rescore(analysis: Analysis, options: ClipOptions, start: float, end: float) -> scoring.Scored:
    """An edited window's score, its centrality ranked among the candidates its run chose from."""
    text = " ".join(str(word["text"]) for word in analysis.words_between(start, end))
    edited = Candidate(
        start, end, text, any(abs(cut - t) < 0.05 for cut in analysis.cuts for t in (start, end))
    )
    return score(analysis, [*candidates(analysis, options), edited])[-1]


def _share_below(known: np.ndarray, value: float | None) -> float | None:
    if value is None:
        return None
    if len(known) < 2:
        return 1.0
    return float(np.searchsorted(known, value, side="left")) / (len(known) - 1)


def choose(scored: Sequence[scoring.Scored], count: int) -> list[scoring.Scored]:
    """The best `count` by score, none overlapping a better one by more than MAX_OVERLAP, best first."""
    chosen: list[scoring.Scored] = []
    for clip in sorted(scored, key=lambda c: (-c.score, c.start)):
        if all(_overlap(clip, other) <= MAX_OVERLAP for other in chosen):
            chosen.append(clip)
            if len(chosen) == count:
                break
    return chosen


def _overlap(a: scoring.Scored, b: scoring.Scored) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def find_clips(analysis: Analysis, options: ClipOptions) -> list[scoring.Scored]:
    return choose(score(analysis, candidates(analysis, options)), options.count)


def snap(analysis: Analysis, start: float, end: float) -> tuple[float, float]:
    """Edited in and out points moved to the nearest word boundary within SNAP_REACH (a word is never cut
    in half): an in point to just before a word starts, an out point to just after one ends."""
    starts = [float(w["start"]) for w in analysis.words]
    ends = [float(w["end"]) for w in analysis.words]
    new_start = _nearest(starts, start, SNAP_REACH)
    new_end = _nearest(ends, end, SNAP_REACH)
    snapped_start = max(0.0, new_start - LEAD) if new_start is not None else start
    snapped_end = min(analysis.duration, new_end + TAIL) if new_end is not None else end
    return round(snapped_start, 3), round(snapped_end, 3)


def _nearest(times: Sequence[float], target: float, reach: float) -> float | None:
    close = [t for t in times if abs(t - target) <= reach]
    return min(close, key=lambda t: abs(t - target)) if close else None


def around(analysis: Analysis, moment: float, options: ClipOptions) -> scoring.Scored:
    """One clip around a moment (a search hit): the best candidate window that contains it; where none
    does (a long silence, a short video), `min_seconds` centred on it, snapped to words."""
    found = candidates(analysis, options)
    containing = [c for c in found if c.start <= moment <= c.end]
    if not containing:
        length = min(options.min_seconds, analysis.duration)
        start = min(max(0.0, moment - length / 2), analysis.duration - length)
        start, end = snap(analysis, start, start + length)
        text = " ".join(str(word["text"]) for word in analysis.words_between(start, end))
        containing = [Candidate(start, end, text, False)]
    scored = score(analysis, [*found, *containing])[len(found) :]
    return max(scored, key=lambda clip: clip.score)
