"""What the clip finder knows about a video, as plain values: words, sentences, scene cuts, loudness, the
meaning of what is said (search's segment embeddings) and the moderation flags with what became of them.
`Analysis` is built from the database by clips.services; everything in clips.selection and clips.scoring
works on it alone, so they are tested without a database."""

from __future__ import annotations

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

    def __post_init__(self) -> None:
        self.sentences = sentences(self.words) if self.words else []

    def words_between(self, start: float, end: float) -> list[dict[str, Any]]:
        """Words whose middle lies in [start, end]."""
        return [w for w in self.words if start <= (w["start"] + w["end"]) / 2 <= end]

    def loudness_between(self, start: float, end: float) -> np.ndarray:
        first = max(0, int(start / LOUDNESS_STEP))
        last = max(first + 1, int(np.ceil(end / LOUDNESS_STEP)))
        return self.loudness[first:last]

    def cuts_between(self, start: float, end: float) -> list[float]:
        return [cut for cut in self.cuts if start < cut < end]

    def vector_between(self, start: float, end: float) -> np.ndarray | None:
        """The meaning of what is said in [start, end]: segment vectors weighted by their overlap."""
        total, weight = None, 0.0
        for segment in self.segments:
            overlap = min(end, segment.end) - max(start, segment.start)
            if overlap > 0:
                total = segment.vector * overlap if total is None else total + segment.vector * overlap
                weight += overlap
        if total is None:
            return None
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else None

    def centroid(self) -> np.ndarray | None:
        """The meaning of the whole video."""
        return self.vector_between(0.0, self.duration + 1.0)


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
