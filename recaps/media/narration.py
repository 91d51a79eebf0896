"""A narration file cut into one span per scene at its longest pauses.

The audio is decoded (PyAV) to 16 kHz mono and measured in 10 ms frames (RMS, dBFS). The speech level is
the 95th percentile of those frames and the floor the 5th; a frame is silent under the floor + 10 dB,
held between 15 and 40 dB under the speech, so a noisy room's pauses still count and a clean file's
digital silence does not set a threshold at -90 dBFS. A pause is a silent run of at least MIN_PAUSE
between two sounds (word gaps are shorter); the `scenes - 1` longest pauses split the narration, and each
span is trimmed to its sound, keeping SPAN_MARGIN of silence either side so a soft onset is not clipped.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from recaps.media.types import NarrationRefused

RATE = 16_000
HOP = 0.01  # seconds per analysis frame
MIN_PAUSE = 0.25  # seconds of silence that can end a scene's narration
SPAN_MARGIN = 0.05  # seconds of silence kept before and after each span's sound
SILENT_DBFS = -60.0  # a narration whose speech level is under this is silence
FLOOR_MARGIN_DB = 10.0
MIN_DROP_DB, MAX_DROP_DB = 15.0, 40.0  # the silence threshold's distance under the speech level

Span = tuple[float, float]


def split_narration(path: Path, scenes: int) -> list[Span]:
    """The narration in `scenes` spans (seconds of the file, in order), split at its longest pauses."""
    if scenes < 1:
        raise ValueError(f"a narration splits into at least one scene, not {scenes}")
    sound = sounding_frames(decode_mono(path), path.name)
    runs = _runs(sound)
    pauses = [(end, start) for (_, end), (start, _) in pairwise(runs) if (start - end) * HOP >= MIN_PAUSE]
    if len(pauses) < scenes - 1:
        raise NarrationRefused(
            f"The narration has {len(pauses)} pause(s) of {MIN_PAUSE:g} s or more, so it splits into at "
            f"most {len(pauses) + 1} scene(s), not {scenes}."
        )
    chosen = sorted(sorted(pauses, key=lambda pause: pause[0] - pause[1])[: scenes - 1])
    edges = [runs[0][0], *(edge for pause in chosen for edge in pause), runs[-1][1]]
    total = len(sound) * HOP
    return [
        (round(max(start * HOP - SPAN_MARGIN, 0.0), 3), round(min(end * HOP + SPAN_MARGIN, total), 3))
        for start, end in zip(edges[::2], edges[1::2], strict=True)
    ]


def decode_mono(path: Path) -> npt.NDArray[np.float32]:
    """The file's first audio track as RATE Hz mono float samples, or NarrationRefused saying why not."""
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError):
        raise NarrationRefused(
            f"{path.name} is not an audio file we can read (it may be incomplete or damaged)."
        ) from None
    with container:
        if not container.streams.audio:
            raise NarrationRefused(
                f"{path.name} has no audio track: upload the narration as WAV, MP3 or M4A."
            )
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        chunks: list[npt.NDArray[np.generic]] = []
        try:
            for frame in container.decode(container.streams.audio[0]):
                chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
        except av.error.FFmpegError:
            raise NarrationRefused(
                f"The audio in {path.name} cannot be decoded; the file may be damaged."
            ) from None
    if not chunks:
        raise NarrationRefused(f"{path.name} holds no audio samples.")
    return np.concatenate(chunks).astype(np.float32, copy=False)


def sounding_frames(samples: npt.NDArray[np.float32], name: str) -> npt.NDArray[np.bool_]:
    """Whether each HOP frame of the narration sounds (True) or is part of a pause."""
    hop = round(RATE * HOP)
    frames = samples[: len(samples) - len(samples) % hop].reshape(-1, hop)
    level = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    speech, floor = (np.percentile(level, 95), np.percentile(level, 5)) if len(level) else (-120.0, -120.0)
    if speech < SILENT_DBFS:
        raise NarrationRefused(
            f"The narration in {name} is silent (its loudest parts are under {SILENT_DBFS:g} dBFS)."
        )
    threshold = min(max(floor + FLOOR_MARGIN_DB, speech - MAX_DROP_DB), speech - MIN_DROP_DB)
    return np.asarray(level > threshold)


def _runs(sound: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """The [start, end) frame ranges where the narration sounds."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], sound.astype(np.int8), [0]])))
    return [(int(start), int(end)) for start, end in zip(edges[::2], edges[1::2], strict=True)]
