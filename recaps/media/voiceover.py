"""Narration over the joined recap: each scene's span where the scene starts, the source sound ducked.

Both sounds are decoded to 48 kHz stereo float samples and mixed in numpy, so each span lands on its
sample: the narration is brought to NARRATION_LUFS (the level of the joined recap), each span placed at
its scene's first frame (timeline.placements), faded in and out over VOICE_FADE, and cut at its room
with the same fade when it would run into the next scene's. The source sound is ducked by volume
automation rather than a compressor keyed on the voice: DUCK_DB (-18 dB) from each span's start to its
end, ramping over DUCK_RAMP before and after, so the bed does not pump between words. The mix is
normalised to -14 LUFS like every clip, and muxed with the joined pictures, copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from clips.media.clip_audio import CHANNELS, RATE, RAW_FORMAT
from clips.media.encoder import AUDIO_BIT_RATE
from clips.media.loudness import MAX_GAIN_DB, SILENCE_LUFS, measure_loudness, normalising_filter
from clips.media.types import TARGET_LUFS
from media_jobs.media.ffmpeg import run_ffmpeg
from recaps.media.timeline import Placement

NARRATION_LUFS = TARGET_LUFS  # the voice at the joined recap's level; the bed goes DUCK_DB under it
DUCK_DB = -18.0
DUCK_RAMP = 0.2  # seconds
VOICE_FADE = 0.01  # seconds: no click where a span is cut out of the narration

Samples = npt.NDArray[np.float32]


def narrate(joined: Path, narration: Path, spans: Sequence[Placement], out: Path, scratch: Path) -> None:
    """Write `out` (MP4): `joined`'s pictures, its sound ducked under the narration spans placed over it."""
    program = decode_stereo(joined, scratch / "program.f32")
    voice = decode_stereo(narration, scratch / "narration.f32") * _voice_gain(narration)
    program *= ducking(len(program), spans)[:, None]
    for span in spans:
        _place(program, voice, span)
    mix = scratch / "mix.f32"
    program.tofile(mix)
    _, gain = normalising_filter([*RAW_FORMAT, "-i", str(mix)], TARGET_LUFS)
    run_ffmpeg(
        [
            *("-i", str(joined), *RAW_FORMAT, "-i", str(mix)),
            *("-filter_complex", f"[1:a]{gain},aresample={RATE}[sound]", "-map", "0:v", "-map", "[sound]"),
            *("-c:v", "copy", "-c:a", "aac", "-b:a", AUDIO_BIT_RATE, "-ar", str(RATE), "-ac", str(CHANNELS)),
            *("-movflags", "+faststart", "-f", "mp4", str(out)),
        ],
        what="mixing the narration into the recap",
    )


def decode_stereo(path: Path, raw: Path) -> Samples:
    """The first audio track of `path` as frames x CHANNELS float samples at RATE."""
    run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-vn", *RAW_FORMAT, str(raw)], what=f"decoding {path.name}")
    samples = np.fromfile(raw, np.float32)
    return samples[: samples.size - samples.size % CHANNELS].reshape(-1, CHANNELS)


def _voice_gain(narration: Path) -> float:
    """The linear gain that brings the narration to NARRATION_LUFS (1 for a file too quiet to measure)."""
    measured = measure_loudness(["-i", str(narration)]).integrated
    if measured <= SILENCE_LUFS:
        return 1.0
    return float(10 ** (min(NARRATION_LUFS - measured, MAX_GAIN_DB) / 20))


def ducking(frames: int, spans: Sequence[Placement]) -> npt.NDArray[np.float32]:
    """Per-sample gain of the source sound: 1, down to DUCK_DB under each span, with linear ramps."""
    depth = np.zeros(frames, np.float32)
    ramp = DUCK_RAMP * RATE
    for span in spans:
        first, last = round((span.at - DUCK_RAMP) * RATE), round((span.at + span.length + DUCK_RAMP) * RATE)
        first, last = max(first, 0), min(last, frames)
        if last <= first:
            continue
        at = np.arange(first, last, dtype=np.float64)
        rising = (at - span.at * RATE + ramp) / ramp
        falling = ((span.at + span.length) * RATE + ramp - at) / ramp
        depth[first:last] = np.maximum(depth[first:last], np.clip(np.minimum(rising, falling), 0.0, 1.0))
    return np.asarray(10 ** (DUCK_DB * depth / 20), np.float32)


def _place(program: Samples, voice: Samples, span: Placement) -> None:
    """Add the span of the voice to the program at span.at, edges faded, cut to its room."""
    start, at = round(span.start * RATE), round(span.at * RATE)
    length = min(round(span.length * RATE), len(voice) - start, len(program) - at)
    if length <= 0:
        return
    piece = voice[start : start + length].copy()
    fade = min(round(VOICE_FADE * RATE), length // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)[:, None]
        piece[:fade] *= ramp
        piece[-fade:] *= ramp[::-1]
    program[at : at + length] += piece
