"""Small sources for the recap renderer's tests: colour-coded footage and narration made of tone bursts.

The footage shows one colour a second (PALETTE[n] over [n, n + 1) s) under a black grid (detail for the
blur to remove) with a steady SOURCE_HZ tone, so a frame's colour says which second of the source it
shows. The narration is bursts of "speech" (a tone with harmonics, syllable-like swells and short word
gaps) between pauses, each burst at its own pitch so the mix can be searched for it.
"""

from __future__ import annotations

import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from clips.tests.media_samples import X264
from media_jobs.media.ffmpeg import run_ffmpeg

PALETTE = [
    (208, 32, 32),
    (32, 176, 32),
    (32, 48, 208),
    (144, 32, 160),
    (32, 128, 128),
    (128, 128, 32),
    (208, 112, 16),
    (96, 96, 96),
]
SOURCE_HZ = 440
FPS = 25
RATE = 48_000


def colour_video(path: Path, size: tuple[int, int] = (320, 180)) -> Path:
    """len(PALETTE) seconds at FPS: PALETTE[n] over second n, a black 16 px grid, a SOURCE_HZ tone."""
    width, height = size
    colours = [
        f"color=c=0x{red:02x}{green:02x}{blue:02x}:s={width}x{height}:r={FPS}:d=1[c{n}]"
        for n, (red, green, blue) in enumerate(PALETTE)
    ]
    joined = "".join(f"[c{n}]" for n in range(len(PALETTE)))
    graph = ";".join([*colours, f"{joined}concat=n={len(PALETTE)}:v=1:a=0,drawgrid=w=16:h=16:t=1:c=black[v]"])
    tone = f"sine=frequency={SOURCE_HZ}:sample_rate={RATE}:duration={len(PALETTE)}"
    run_ffmpeg(
        [
            *("-filter_complex", graph, "-f", "lavfi", "-i", tone, "-map", "[v]", "-map", "0:a"),
            *(*X264, "-c:a", "aac", "-b:a", "96k", "-shortest", str(path)),
        ],
        what="generating a colour-coded source",
    )
    return path


def speech_burst(seconds: float, hz: float, rate: int, rng: np.random.Generator) -> np.ndarray:
    """A stand-in for a phrase: `hz` with two harmonics, swelling like syllables, with 80 ms word gaps."""
    t = np.arange(round(seconds * rate)) / rate
    voice = sum(np.sin(2 * np.pi * hz * k * t) / k for k in (1, 2, 3))
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t) ** 2
    gaps = (t % 0.5) < 0.42  # a word every half second, then 80 ms of near silence
    burst = 0.3 * voice * syllables * np.where(gaps, 1.0, 0.01) + 0.01 * rng.standard_normal(len(t))
    edge = min(round(0.01 * rate), len(t) // 2)
    burst[:edge] *= np.linspace(0, 1, edge)
    burst[len(t) - edge :] *= np.linspace(1, 0, edge)
    return burst


def narration_wav(
    path: Path,
    bursts: Sequence[tuple[float, float, float]],
    seconds: float,
    *,
    noise_dbfs: float | None = None,
    rate: int = 16_000,
) -> Path:
    """A mono 16-bit WAV of `seconds`: a burst (start, end, hz) each, silence (or noise) between them."""
    rng = np.random.default_rng(7)
    samples = np.zeros(round(seconds * rate))
    if noise_dbfs is not None:
        samples += 10 ** (noise_dbfs / 20) * np.sqrt(2) * rng.standard_normal(len(samples))
    for start, end, hz in bursts:
        burst = speech_burst(end - start, hz, rate, rng)
        samples[round(start * rate) : round(start * rate) + len(burst)] += burst
    return write_wav(path, samples, rate)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def frame_at(frames: list[np.ndarray], seconds: float, fps: float = FPS) -> np.ndarray:
    """The output frame shown at `seconds`."""
    return frames[min(int(seconds * fps + 1e-6), len(frames) - 1)]


def source_second(frame: np.ndarray) -> int:
    """Which second of the colour video the frame shows: the palette colour nearest the median of its
    top-left quarter (clear of the captions, the blur test's box and most of the grid)."""
    height, width = frame.shape[:2]
    median = np.median(frame[: height // 2, : width // 2].reshape(-1, 3), axis=0)
    return int(np.argmin([np.linalg.norm(median - np.array(colour)) for colour in PALETTE]))
