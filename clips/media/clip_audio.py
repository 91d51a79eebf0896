"""A clip's audio before encoding: the span cut out exactly, censored, measured, as a raw file.

The span is decoded once into 48 kHz stereo float samples on disk (a minute is 23 MB), censored in numpy
by the censored render's own `censor_samples` (the same bleep, to the sample), padded or trimmed to the
clip's exact length, then measured for the loudness gain the encoder applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clips.media.loudness import Loudness, normalising_filter
from clips.media.types import ClipSpec
from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.render.audio import censor_samples, main_audio_index
from media_jobs.media.types import AudioCensor

RATE = 48_000
CHANNELS = 2
RAW_FORMAT = ("-f", "f32le", "-ar", str(RATE), "-ac", str(CHANNELS))


@dataclass(frozen=True)
class ClipAudio:
    """Where the clip's audio is and how to bring it to the target loudness."""

    path: Path  # raw f32le, RATE, CHANNELS, exactly the clip's length
    loudness: Loudness
    filter: str  # the gain (and limiter) for the encoder

    @property
    def input_args(self) -> list[str]:
        return [*RAW_FORMAT, "-i", str(self.path)]


def prepare_audio(src: Path, spec: ClipSpec, scratch: Path) -> ClipAudio | None:
    """The clip's censored audio in `scratch`, or None when the source has no audio stream."""
    index = main_audio_index(src)
    if index is None:
        return None
    raw = scratch / "audio.f32"
    span = ["-ss", f"{spec.start:.6f}", "-t", f"{spec.duration:.6f}", "-i", str(src)]
    run_ffmpeg([*span, "-map", f"0:{index}", "-vn", *RAW_FORMAT, str(raw)], what="cutting the clip's audio")
    samples = np.fromfile(raw, np.float32)
    samples = _exact_length(samples[: samples.size - samples.size % CHANNELS], spec.duration)
    censor_samples(samples.T, 0, RATE, clip_censors(spec))  # channels x n view: censored in place
    samples.tofile(raw)
    loudness, gain = normalising_filter([*RAW_FORMAT, "-i", str(raw)], spec.loudness)
    return ClipAudio(raw, loudness, gain)


def clip_censors(spec: ClipSpec) -> list[AudioCensor]:
    """The censor spans that touch the clip, in clip time."""
    return [
        AudioCensor(censor.start - spec.start, censor.end - spec.start, censor.mode)
        for censor in spec.audio
        if censor.end > spec.start and censor.start < spec.end
    ]


def _exact_length(interleaved: np.ndarray, duration: float) -> np.ndarray:
    """Frames x channels, silence-padded or trimmed to the clip's duration."""
    frames = interleaved.reshape(-1, CHANNELS)
    wanted = round(duration * RATE)
    if len(frames) >= wanted:
        return np.ascontiguousarray(frames[:wanted])
    return np.concatenate([frames, np.zeros((wanted - len(frames), CHANNELS), np.float32)])
