"""Analyses made up for the selection tests: sentences at known times, so every boundary is known."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from clips.analysis import LOUDNESS_STEP, Analysis, FlagView, SegmentVector

WORD_SECONDS = 0.4  # each word takes this long, the next starts right after
SENTENCE_GAP = 0.6  # silence between sentences


def spoken(sentences: Sequence[str], start: float = 0.5) -> list[dict[str, Any]]:
    """Timed words of `sentences`, one after another."""
    words, t = [], start
    for sentence in sentences:
        for word in sentence.split():
            words.append(
                {"text": word, "start": round(t, 3), "end": round(t + WORD_SECONDS, 3), "probability": 0.9}
            )
            t += WORD_SECONDS
        t += SENTENCE_GAP
    return words


def analysis(
    sentences: Sequence[str], duration: float | None = None, cuts: Sequence[float] = (),
    flags: Sequence[FlagView] = (), case_state: str = "clean", topic_of: dict[int, int] | None = None,
) -> Analysis:  # fmt: skip
    """An Analysis of the sentences; `topic_of` maps a sentence index to a topic (segment vectors), the
    most common topic is what the video is about."""
    words = spoken(sentences)
    end = duration or words[-1]["end"] + 1.0
    loudness = np.full(int(np.ceil(end / LOUDNESS_STEP)) + 1, -20.0, dtype=np.float32)
    segments = _segments(sentences, words, topic_of or {})
    return Analysis(end, words, sorted(cuts), loudness, segments, list(flags), case_state)


def _segments(
    sentences: Sequence[str], words: list[dict[str, Any]], topic_of: dict[int, int]
) -> list[SegmentVector]:
    vectors, index = [], 0
    for number, sentence in enumerate(sentences):
        said = words[index : index + len(sentence.split())]
        index += len(said)
        vector = np.zeros(8, dtype=np.float32)
        vector[topic_of.get(number, 0)] = 1.0
        vectors.append(SegmentVector(said[0]["start"], said[-1]["end"], vector))
    return vectors
