"""Hearing speech again at other tempos: a recogniser that mishears a word at one tempo may hear it right at
another. What another hearing wrote differently joins the transcript as an alternative reading, as the
n-best readings of doubted words do: moderation sends a term found only there to review, never to an
automatic bleep."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Sequence

import av
import numpy as np

from gpu_worker.types import Alternative, Transcript, Word

# Tempos of the other hearings (1.1: a tenth faster). Chosen on the tuning half of `python -m bench accuracy`
# (base, the audio stretched by FFmpeg's command line): words caught counting review 42 -> 44 of 48 with both,
# 43 with either alone, with no more false bleeps or reviews of clean speech. As built, on the held-back half:
# 40 -> 42 of 49, one more review, three times the transcription (bench/RESULTS.md).
OTHER_TEMPOS = (1.1, 0.9)
_NOT_IN_WORDS = re.compile(r"[^\w']")


def at_tempo(audio: np.ndarray, tempo: float, sample_rate: int) -> np.ndarray:
    """Mono float audio played `tempo` times as fast at the same pitch (FFmpeg's atempo, through PyAV)."""
    graph = av.filter.Graph()
    source = graph.add_abuffer(format="flt", sample_rate=sample_rate, layout="mono")
    stretch = graph.add("atempo", str(tempo))
    sink = graph.add("abuffersink")
    source.link_to(stretch)
    stretch.link_to(sink)
    graph.configure()
    frame = av.AudioFrame.from_ndarray(audio[np.newaxis, :].astype(np.float32), format="flt", layout="mono")
    frame.sample_rate = sample_rate
    frame.pts = 0
    graph.push(frame)
    graph.push(None)
    stretched = []
    while True:
        try:
            stretched.append(graph.pull().to_ndarray()[0])
        except (av.BlockingIOError, av.EOFError):
            return np.concatenate(stretched) if stretched else np.zeros(0, np.float32)


def retimed(transcript: Transcript, tempo: float) -> Transcript:
    """A transcript of audio played `tempo` times as fast, its times put back on the original audio's."""
    return dataclasses.replace(
        transcript,
        words=[
            Word(word.text, word.start * tempo, word.end * tempo, word.probability)
            for word in transcript.words
        ],
        alternatives=[
            Alternative(reading.text, reading.start * tempo, reading.end * tempo, reading.probability)
            for reading in transcript.alternatives
        ],
    )


def with_other_hearings(heard: Transcript, others: Sequence[Transcript]) -> Transcript:
    """The words heard, with every other hearing's readings and the words it wrote differently as
    alternatives (times on the same audio)."""
    alternatives = list(heard.alternatives)
    for other in others:
        alternatives += differences(heard.words, other.words) + list(other.alternatives)
    return dataclasses.replace(heard, words=list(heard.words), alternatives=alternatives)


def differences(heard: Sequence[Word], other: Sequence[Word]) -> list[Alternative]:
    """Each run of words that the other hearing wrote in place of (or between) the words heard, as one
    reading over its own time, with its words' mean probability."""
    matcher = difflib.SequenceMatcher(a=[_key(w) for w in heard], b=[_key(w) for w in other], autojunk=False)
    readings = []
    for tag, _, _, first, end in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            words = other[first:end]
            probability = sum(word.probability for word in words) / len(words)
            text = " ".join(word.text for word in words)
            readings.append(Alternative(text, words[0].start, words[-1].end, round(probability, 3)))
    return readings


def _key(word: Word) -> str:
    return _NOT_IN_WORDS.sub("", word.text.lower())
