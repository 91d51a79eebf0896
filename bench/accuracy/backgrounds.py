"""Noise and music laid under part of the speech, made with numpy from a fixed seed (no media files)."""

from __future__ import annotations

import numpy as np

FADE_SECONDS = 0.5
# Notes of a I-vi-IV-V progression in C (Hz), two seconds a chord, over a kick drum on every half second.
CHORDS = ((261.6, 329.6, 392.0), (220.0, 261.6, 329.6), (174.6, 220.0, 261.6), (196.0, 246.9, 293.7))
CHORD_SECONDS = 2.0
BEAT_SECONDS = 0.5


def pink_noise(length: int, seed: int) -> np.ndarray:
    """Noise with power falling as 1/f, like a crowd or traffic more than like hiss."""
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(length))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    return np.fft.irfft(spectrum, length)


def music(length: int, rate: int) -> np.ndarray:
    """Chords with three harmonics each and a kick drum: speech-band energy that is not noise."""
    seconds = np.arange(length) / rate
    chord = (seconds // CHORD_SECONDS).astype(int) % len(CHORDS)
    tones = np.zeros(length)
    for index, notes in enumerate(CHORDS):
        playing = chord == index
        for note in notes:
            for harmonic in (1, 2, 3):
                tones[playing] += np.sin(2 * np.pi * note * harmonic * seconds[playing]) / harmonic
    beat = seconds % BEAT_SECONDS
    kick = np.sin(2 * np.pi * 60 * beat) * np.exp(-beat * 30) * 4
    return tones + kick


def under(
    speech: np.ndarray, bed: np.ndarray, snr_db: float, span: tuple[float, float], rate: int
) -> np.ndarray:
    """The speech with the bed under the fraction `span` of it, snr_db below the speech, faded in and out."""
    voiced = speech[np.abs(speech) > 0]
    scale = np.sqrt(np.mean(voiced**2) / np.mean(bed**2)) / 10 ** (snr_db / 20)
    envelope = np.zeros(len(speech))
    first, last = int(span[0] * len(speech)), int(span[1] * len(speech))
    fade = min(int(FADE_SECONDS * rate), (last - first) // 2)
    envelope[first:last] = 1.0
    envelope[first : first + fade] = np.linspace(0, 1, fade)
    envelope[last - fade : last] = np.linspace(1, 0, fade)
    return speech + bed[: len(speech)] * scale * envelope
