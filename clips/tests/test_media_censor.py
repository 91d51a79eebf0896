"""Censoring and loudness inside a clip: blurred boxes, bleeps and mutes at clip time, -14 LUFS out."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from clips.media.loudness import measure_loudness
from clips.media.render import render_clip
from clips.media.types import ClipSpec
from clips.tests.media_samples import (
    audio_samples,
    decoded_frames,
    lavfi_video,
    quiet_speech_video,
    tone_level,
    window,
)
from media_jobs.media.probe import probe_media
from media_jobs.media.types import AudioCensor, BlurTrack, BoxAt

BOX = (0.1, 0.2, 0.45, 0.8)  # left part of the frame


@pytest.fixture(scope="module")
def detailed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Busy test pattern with a steady 440 Hz tone, 4 s."""
    folder = tmp_path_factory.mktemp("censor")
    tone = "sine=frequency=440:sample_rate=48000"
    return lavfi_video(folder / "detailed.mp4", "testsrc2=size=320x240:rate=25", duration=4.0, audio=tone)


def detail(frame: np.ndarray, box: tuple[float, float, float, float]) -> float:
    """High-frequency energy inside a box of a grey frame."""
    height, width = frame.shape
    region = frame[int(box[1] * height) : int(box[3] * height), int(box[0] * width) : int(box[2] * width)]
    return float(cv2.Laplacian(region.astype(np.float32), cv2.CV_32F).var())


def test_it_blurs_the_censor_box_inside_the_clip(detailed: Path, tmp_path: Path) -> None:
    # The track covers source seconds 1.5-3.0; the clip starts at 1.0, so clip seconds 0.5-2.0.
    track = BlurTrack(1.5, 3.0, (BoxAt(1.5, *BOX),))
    spec = ClipSpec(1.0, 3.5, 320, 240, blur=(track,))
    report = render_clip(detailed, probe_media(detailed), spec, tmp_path / "clip.mp4")
    frames = decoded_frames(tmp_path / "clip.mp4", "gray")
    assert report.blurred_frames == 39  # the frame shown at 1.48-1.52 s through the one shown at 3.0 s
    before, inside, after = frames[5], frames[30], frames[55]
    assert detail(inside, BOX) < 0.1 * detail(before, BOX)
    assert detail(after, BOX) > 0.5 * detail(before, BOX)
    assert detail(inside, (0.6, 0.2, 0.9, 0.8)) > 0.5 * detail(
        before, (0.6, 0.2, 0.9, 0.8)
    )  # elsewhere intact


def test_it_bleeps_and_mutes_at_clip_time(detailed: Path, tmp_path: Path) -> None:
    censors = (AudioCensor(1.5, 2.0, "bleep"), AudioCensor(2.5, 3.0, "mute"))
    spec = ClipSpec(1.0, 3.5, 96, 96, audio=censors)
    render_clip(detailed, probe_media(detailed), spec, tmp_path / "clip.mp4")
    sound = audio_samples(tmp_path / "clip.mp4")
    plain, bleep, muted = window(sound, 0.1, 0.4), window(sound, 0.55, 0.95), window(sound, 1.55, 1.95)
    tone = tone_level(plain, 440)
    assert tone > 0.05 and tone_level(plain, 1000) < 0.05 * tone
    assert tone_level(bleep, 1000) > 2 * tone and tone_level(bleep, 440) < 0.05 * tone
    assert np.sqrt(np.mean(muted**2)) < 0.01 * tone
    assert tone_level(window(sound, 2.1, 2.4), 440) > 0.8 * tone  # the tone is back after the mute


def test_it_brings_a_quiet_source_to_minus_14_lufs(tmp_path: Path) -> None:
    src = quiet_speech_video(tmp_path / "quiet.mp4", duration=6.0)
    assert measure_loudness(["-i", str(src)]).integrated < -30
    report = render_clip(src, probe_media(src), ClipSpec(0.5, 5.5, 64, 64), tmp_path / "clip.mp4")
    assert report.has_source_audio
    assert measure_loudness(["-i", str(tmp_path / "clip.mp4")]).integrated == pytest.approx(-14.0, abs=1.0)
    peak = np.abs(audio_samples(tmp_path / "clip.mp4")).max()
    assert peak < 1.0  # the limiter kept the lifted speech from clipping
