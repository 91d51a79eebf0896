"""extract_audio on real files made by ffmpeg: the WAV format, its length, and which track it holds."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from media_jobs.media.audio import extract_audio
from media_jobs.media.probe import probe_media
from media_jobs.tests import media_factory as mf


@dataclass(frozen=True)
class Wav:
    sample_rate: int
    channels: int
    sample_width: int
    samples: np.ndarray  # int16

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def dominant_hz(self) -> float:
        spectrum = np.abs(np.fft.rfft(self.samples.astype(np.float64)))
        return float(np.fft.rfftfreq(len(self.samples), 1 / self.sample_rate)[spectrum.argmax()])

    def rms(self, start: float, end: float) -> float:
        part = self.samples[int(start * self.sample_rate) : int(end * self.sample_rate)].astype(np.float64)
        return float(np.sqrt((part**2).mean()))


def read_wav(path: Path) -> Wav:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        return Wav(
            wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), np.frombuffer(frames, np.int16)
        )


def extract(video: Path, tmp_path: Path) -> Path | None:
    return extract_audio(video, tmp_path / "speech.wav", probe_media(video))


def test_it_writes_16_khz_mono_16_bit_wav_as_long_as_the_video(tmp_path: Path) -> None:
    wav = extract(mf.make_video(tmp_path / "v.mp4", duration=4.0), tmp_path)

    assert wav == tmp_path / "speech.wav"
    sound = read_wav(wav)
    assert (sound.sample_rate, sound.channels, sound.sample_width) == (16_000, 1, 2)
    assert sound.duration == pytest.approx(4.0, abs=0.05)


def test_it_keeps_the_source_tone_dominant(tmp_path: Path) -> None:
    wav = extract(mf.make_video(tmp_path / "v.mp4", duration=4.0, tone_hz=440), tmp_path)

    assert wav is not None
    assert read_wav(wav).dominant_hz() == pytest.approx(440, abs=2)


def test_it_returns_none_for_a_video_without_sound(tmp_path: Path) -> None:
    assert extract(mf.make_video(tmp_path / "v.mp4", audio=False), tmp_path) is None
    assert not (tmp_path / "speech.wav").exists()


@pytest.mark.parametrize(("default_track", "tone_hz"), [(0, 440), (1, 1000)])
def test_it_takes_the_default_track_among_several(tmp_path: Path, default_track: int, tone_hz: int) -> None:
    video = mf.make_multi_audio_video(tmp_path / "v.mp4", tones_hz=(440, 1000), default_track=default_track)

    wav = extract(video, tmp_path)

    assert wav is not None
    assert read_wav(wav).dominant_hz() == pytest.approx(tone_hz, abs=2)


def test_it_pads_late_audio_so_its_times_match_the_video(tmp_path: Path) -> None:
    wav = extract(mf.make_late_audio_video(tmp_path / "v.mp4", delay=0.5, duration=4.0), tmp_path)

    assert wav is not None
    sound = read_wav(wav)
    assert sound.duration == pytest.approx(4.0, abs=0.05)
    assert sound.rms(0.0, 0.45) < 10  # silence, where the tone has not started yet
    assert sound.rms(0.6, 3.9) > 1000
