"""What the clip finder knows about a video, as plain values: words, sentences, scene cuts, loudness, the
meaning of what is said (search's segment embeddings) and the moderation flags with what became of them.
`Analysis` is built from the database by clips.services; everything in clips.selection and clips.scoring
works on it alone, so they are tested without a database."""

from __future__ import annotations

import bisect
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from search.segmenting import Window, sentences

LOUDNESS_STEP = 0.5  # seconds per loudness reading
SILENCE_DB = -60.0  # the floor of a loudness reading (digital silence would be -inf)

FlagOutcome = Literal["unresolved", "censored", "harmless"]


@dataclass(frozen=True)
class FlagView:
    """A moderation flag as a clip sees it: where, what, and what it comes to in the output."""

    kind: str  # nudity, face, profanity
    label: str
    start: float
    end: float
    score: float
    outcome: FlagOutcome  # unresolved: a moderator has yet to decide; censored: blurred or bleeped

    def overlaps(self, start: float, end: float) -> bool:
        return self.start < end and self.end > start


@dataclass(frozen=True)
class SegmentVector:
    start: float
    end: float
    vector: np.ndarray = field(repr=False)  # unit length


@dataclass
class Analysis:
    duration: float
    words: list[dict[str, Any]]  # {text, start, end, probability}, in order
    cuts: list[float]  # scene cut times, in order
    loudness: np.ndarray  # dBFS per LOUDNESS_STEP seconds
    segments: list[SegmentVector]
    flags: list[FlagView]
    case_state: str = ""  # the video's moderation case state ("" without a case)
    sentences: list[Window] = field(init=False)
    _middles: list[float] = field(init=False, repr=False)  # each word's middle, in order: for bisect
    _segment_ends: list[float] = field(init=False, repr=False)
    _closeness: list[float] = field(init=False, repr=False)  # each segment's similarity to the centroid

    def __post_init__(self) -> None:
        self.sentences = sentences(self.words) if self.words else []
        self._middles = [(w["start"] + w["end"]) / 2 for w in self.words]
        self.segments = sorted(self.segments, key=lambda segment: segment.start)
        self._segment_ends = [segment.end for segment in self.segments]
        centroid = self._centroid()
        self._closeness = [float(s.vector @ centroid) for s in self.segments] if centroid is not None else []

    def words_between(self, start: float, end: float) -> list[dict[str, Any]]:
        """Words whose middle lies in [start, end] (every candidate asks: a bisect, not a scan)."""
        return self.words[bisect.bisect_left(self._middles, start) : bisect.bisect_right(self._middles, end)]

    def loudness_between(self, start: float, end: float) -> np.ndarray:
        first = max(0, int(start / LOUDNESS_STEP))
        last = max(first + 1, int(np.ceil(end / LOUDNESS_STEP)))
        return self.loudness[first:last]

    def cuts_between(self, start: float, end: float) -> list[float]:
        return [cut for cut in self.cuts if start < cut < end]

    def closeness_between(self, start: float, end: float) -> float | None:
        """How close what is said in [start, end] is to what the whole video is about: each segment's
        cosine similarity to the video's meaning, weighted by its overlap. (The similarity of the averaged
        vector would favour long windows: an average of many segments drifts towards the centroid whatever
        they say.) Segments do not overlap and are in order: a bisect finds the first one in the window."""
        total, weight = 0.0, 0.0
        for index in range(bisect.bisect_right(self._segment_ends, start), len(self.segments)):
            segment = self.segments[index]
            if segment.start >= end:
                break
            overlap = min(end, segment.end) - max(start, segment.start)
            total += self._closeness[index] * overlap
            weight += overlap
        return total / weight if weight > 0 else None

    def _centroid(self) -> np.ndarray | None:
        """The meaning of the whole video: its segment vectors averaged by their length, unit length."""
        if not self.segments:
            return None
        lengths = np.array([max(segment.end - segment.start, 0.01) for segment in self.segments])
        total: np.ndarray = lengths @ np.stack([segment.vector for segment in self.segments])
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else None


def loudness_of_wav(path: Path) -> np.ndarray:
    """dBFS per LOUDNESS_STEP of a 16-bit PCM WAV (the extract stage's audio)."""
    with wave.open(str(path), "rb") as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16).astype(np.float32)
    samples = samples.reshape(-1, channels).mean(axis=1) / 32768.0 if channels > 1 else samples / 32768.0
    step = max(1, int(rate * LOUDNESS_STEP))
    count = len(samples) // step
    if count == 0:
        return np.full(1, SILENCE_DB, dtype=np.float32)
    blocks = samples[: count * step].reshape(count, step)
    rms = np.sqrt(np.mean(blocks**2, axis=1))
    return np.maximum(20 * np.log10(np.maximum(rms, 1e-9)), SILENCE_DB).astype(np.float32)
