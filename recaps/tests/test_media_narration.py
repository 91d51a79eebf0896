"""split_narration: the narration cut at its longest pauses, and the files it refuses, with reasons."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from clips.tests.media_samples import lavfi_video
from media_jobs.media.ffmpeg import run_ffmpeg
from recaps.media.narration import split_narration
from recaps.media.types import NarrationRefused
from recaps.tests.media_samples import narration_wav, write_wav

# Four phrases: pauses of 0.6 s, 0.35 s and 0.9 s between them (the 80 ms word gaps inside don't count).
PHRASES = [(0.4, 1.9, 220.0), (2.5, 3.6, 260.0), (3.95, 5.2, 300.0), (6.1, 7.3, 340.0)]


@pytest.fixture(scope="module")
def narration(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return narration_wav(tmp_path_factory.mktemp("narration") / "narration.wav", PHRASES, 8.0)


def test_it_splits_at_the_longest_pauses(narration: Path) -> None:
    spans = split_narration(narration, 3)
    # The 0.9 s and 0.6 s pauses split; the 0.35 s one stays inside the second span.
    expected = [(0.4, 1.9), (2.5, 5.2), (6.1, 7.3)]
    assert len(spans) == 3
    for (start, end), (want_start, want_end) in zip(spans, expected, strict=True):
        assert start == pytest.approx(want_start, abs=0.15) and end == pytest.approx(want_end, abs=0.15)
    assert all(start < end for start, end in spans)
    assert all(end <= following for (_, end), (following, _) in pairwise(spans))


def test_it_splits_at_every_pause_and_trims_the_silence_around(narration: Path) -> None:
    spans = split_narration(narration, 4)
    for (start, end), (want_start, want_end, _) in zip(spans, PHRASES, strict=True):
        assert start == pytest.approx(want_start, abs=0.15) and end == pytest.approx(want_end, abs=0.15)


def test_it_gives_one_span_for_one_scene(narration: Path) -> None:
    [(start, end)] = split_narration(narration, 1)
    assert start == pytest.approx(0.4, abs=0.15) and end == pytest.approx(7.3, abs=0.15)


def test_it_finds_the_pauses_over_room_noise(tmp_path: Path) -> None:
    noisy = narration_wav(tmp_path / "noisy.wav", PHRASES, 8.0, noise_dbfs=-45.0)
    spans = split_narration(noisy, 3)
    assert [round(start, 1) for start, _ in spans] == pytest.approx([0.4, 2.5, 6.1], abs=0.15)


def test_it_says_how_many_scenes_the_pauses_allow(narration: Path) -> None:
    with pytest.raises(NarrationRefused, match=r"3 pause\(s\).*at most 4 scene\(s\), not 5"):
        split_narration(narration, 5)


def test_it_refuses_silence(tmp_path: Path) -> None:
    silent = write_wav(tmp_path / "silent.wav", np.zeros(16_000 * 3), 16_000)
    with pytest.raises(NarrationRefused, match="silent"):
        split_narration(silent, 2)


def test_it_refuses_a_picture(tmp_path: Path) -> None:
    picture = tmp_path / "narration.jpg"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", str(picture)], what="a jpeg")
    with pytest.raises(NarrationRefused, match="no audio track"):
        split_narration(picture, 2)


def test_it_refuses_a_video_without_sound(tmp_path: Path) -> None:
    video = lavfi_video(tmp_path / "silent.mp4", "color=c=blue:size=64x64:rate=25", duration=1.0)
    with pytest.raises(NarrationRefused, match="no audio track"):
        split_narration(video, 2)


@pytest.mark.parametrize("content", [b"", b"Once upon a time, a narrator forgot to record.\n" * 20])
def test_it_refuses_what_is_not_media(tmp_path: Path, content: bytes) -> None:
    text = tmp_path / "narration.m4a"
    text.write_bytes(content)
    with pytest.raises(NarrationRefused, match="not an audio file we can read"):
        split_narration(text, 2)


def test_it_refuses_a_truncated_file(narration: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole.m4a"
    run_ffmpeg(["-i", str(narration), "-c:a", "aac", str(whole)], what="an m4a")  # its index comes last
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(NarrationRefused, match="may be incomplete"):
        split_narration(cut, 2)
