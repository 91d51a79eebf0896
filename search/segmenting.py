"""Cutting a video into searchable windows: whole sentences, grouped into spans of about 5 to 20 s, closed
at scene cuts. Pure functions over the transcript's timed words and the scene cuts."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_SECONDS = 5.0  # a window shorter than this grows past a sentence end (not past a scene cut)
TARGET_SECONDS = 12.0  # a window this long closes at the next sentence end
MAX_SECONDS = 20.0  # no window is longer, unless one sentence is (then it is cut between words)
MIN_AT_CUT = 2.0  # a scene cut closes a window at least this long; shorter ones run on into the scene
SENTENCE_GAP = 1.0  # seconds of silence that end a sentence even without punctuation
SENTENCE_END = (".", "?", "!")
CUT_SNAP = 1.5  # seconds: a scene cut this close to a sentence boundary splits windows there


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    text: str

    @property
    def duration(self) -> float:
        return self.end - self.start


def sentence_words(words: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The transcript's words by sentence: ended by . ? ! or a pause, cut between words past MAX_SECONDS."""
    out: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    for index, word in enumerate(words):
        current.append(word)
        following = words[index + 1] if index + 1 < len(words) else None
        ends = str(word["text"]).rstrip().endswith(SENTENCE_END)
        pause = following is not None and following["start"] - word["end"] >= SENTENCE_GAP
        too_long = following is not None and following["end"] - current[0]["start"] > MAX_SECONDS
        if following is None or ends or pause or too_long:
            out.append(current)
            current = []
    return out


def sentences(words: Sequence[dict[str, Any]]) -> list[Window]:
    """The transcript's sentences as windows (see sentence_words)."""
    return [_window(sentence) for sentence in sentence_words(words)]


def _window(words: Sequence[dict[str, Any]]) -> Window:
    text = " ".join(str(word["text"]).strip() for word in words)
    return Window(float(words[0]["start"]), float(words[-1]["end"]), text)


Cut = tuple[float, float]  # the cut lies between these two sampled frames' times


def _gap_distance(cut: Cut, gap: tuple[float, float]) -> float:
    """Seconds between the stretch where a cut may lie and a pause between sentences (0: they overlap)."""
    return max(0.0, gap[0] - cut[1], cut[0] - gap[1])


def cut_boundaries(sentences: Sequence[Window], cuts: Sequence[Cut]) -> set[int]:
    """Indexes i of the sentences that start a new scene: for each cut, the sentence boundary nearest to
    it, within CUT_SNAP seconds (Whisper's word ends often run on into the pause after them)."""
    gaps = [(sentences[i - 1].end, sentences[i].start) for i in range(1, len(sentences))]
    starts = set()
    for cut in cuts:
        if gaps:
            nearest = min(range(len(gaps)), key=lambda i: _gap_distance(cut, gaps[i]))
            if _gap_distance(cut, gaps[nearest]) <= CUT_SNAP:
                starts.add(nearest + 1)
    return starts


def speech_windows(words: Sequence[dict[str, Any]], cuts: Sequence[Cut]) -> list[Window]:
    """Sentences grouped into windows that close at scene cuts, at TARGET_SECONDS, and before MAX_SECONDS."""
    spoken = sentences(words)
    new_scene = cut_boundaries(spoken, cuts)
    windows: list[Window] = []
    group: list[Window] = []
    for index, sentence in enumerate(spoken):
        if group:
            span = group[-1].end - group[0].start
            at_cut = index in new_scene and span >= MIN_AT_CUT
            full = sentence.end - group[0].start > MAX_SECONDS or span >= TARGET_SECONDS
            if at_cut or full:
                windows.append(_merge(group))
                group = []
        group.append(sentence)
    if group:
        windows.append(_merge(group))
    return windows


def _merge(group: Sequence[Window]) -> Window:
    return Window(group[0].start, group[-1].end, " ".join(window.text for window in group))


def scene_windows(cuts: Sequence[Cut], duration: float) -> list[Window]:
    """For a video without speech: its scenes, each cut into pieces of at most MAX_SECONDS."""
    middles = [(last + first) / 2 for last, first in cuts]
    bounds = [0.0, *[cut for cut in middles if 0.0 < cut < duration], duration]
    windows = []
    for start, end in itertools.pairwise(bounds):
        pieces = max(1, int(-(-(end - start) // MAX_SECONDS)))
        step = (end - start) / pieces
        windows += [Window(start + i * step, start + (i + 1) * step, "") for i in range(pieces)]
    return [window for window in windows if window.duration > 0]


def windows_for(words: Sequence[dict[str, Any]], cuts: Sequence[Cut], duration: float) -> list[Window]:
    """Speech windows when anything was said, else scene windows (so keyframes stay findable)."""
    return speech_windows(words, cuts) if words else scene_windows(cuts, duration)


def labels_between(
    detections: Sequence[dict[str, Any]], start: float, end: float, min_score: float
) -> list[str]:
    """Detector labels seen at or above `min_score` on sampled frames within [start, end]."""
    found = {
        box["label"]
        for sample in detections
        if start <= sample["t"] <= end
        for box in sample["boxes"]
        if box["score"] >= min_score
    }
    return sorted(found)


def nearest_time(times: Sequence[float], target: float) -> float:
    """The sampled frame time closest to `target` (times in order); the target itself when none."""
    if not times:
        return target
    index = bisect.bisect_left(times, target)
    candidates = times[max(0, index - 1) : index + 1]
    return min(candidates, key=lambda t: abs(t - target))
