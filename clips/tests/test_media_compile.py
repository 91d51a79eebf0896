"""render_compilation: parts crossfaded, music ducked under speech, the right size and length."""

from __future__ import annotations

from pathlib import Path

import pytest

from clips.media.compile import render_compilation
from clips.tests.media_samples import audio_samples, lavfi_video, tone_level, window
from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.probe import probe_media

SIZE = (108, 192)
MUSIC_HZ = 3000


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three 2 s parts: speech (a 440 Hz tone), one with no audio track at all, speech again."""
    folder = tmp_path_factory.mktemp("parts")
    tone = "sine=frequency=440:sample_rate=48000"
    return [
        lavfi_video(folder / "a.mp4", "color=c=red:size=108x192:rate=25", duration=2.0, audio=tone),
        lavfi_video(folder / "b.mp4", "color=c=green:size=108x192:rate=25", duration=2.0),
        lavfi_video(folder / "c.mp4", "color=c=blue:size=108x192:rate=25", duration=2.0, audio=tone),
    ]


def test_it_crossfades_the_parts_into_one_shorter_video(parts: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "compilation.mp4"
    duration = render_compilation(parts, out, *SIZE, crossfade=0.5)
    info = probe_media(out)
    assert duration == pytest.approx(6.0 - 2 * 0.5, abs=0.01)
    assert info.duration == pytest.approx(5.0, abs=0.1)
    assert (info.width, info.height) == SIZE and info.has_audio


def test_it_joins_a_single_part_without_a_crossfade(parts: list[Path], tmp_path: Path) -> None:
    duration = render_compilation(parts[:1], tmp_path / "one.mp4", *SIZE, crossfade=0.5)
    assert probe_media(tmp_path / "one.mp4").duration == pytest.approx(duration, abs=0.1)
    assert duration == pytest.approx(2.0, abs=0.05)


def test_it_ducks_the_music_under_speech(parts: list[Path], tmp_path: Path) -> None:
    music = tmp_path / "music.m4a"
    run_ffmpeg(["-f", "lavfi", "-i", f"sine=frequency={MUSIC_HZ}:duration=1.5", str(music)], what="music")
    out = tmp_path / "compilation.mp4"
    render_compilation(parts, out, *SIZE, crossfade=0.5, music=music)
    sound = audio_samples(out)
    # Part b (no audio) shows alone over 2.0-3.0 s; parts a and c speak over 0-1.5 s and 4.0-5.0 s.
    under_speech, alone = (
        tone_level(window(sound, 0.5, 1.3), MUSIC_HZ),
        tone_level(window(sound, 2.1, 2.9), MUSIC_HZ),
    )
    assert alone > 0.02  # the music plays (looped: the file is shorter than the compilation)
    assert under_speech < 0.5 * alone  # at least 6 dB quieter under speech
    assert tone_level(window(sound, 0.5, 1.3), 440) > 5 * under_speech  # the speech stays on top
    assert tone_level(window(sound, 4.9, 5.0), MUSIC_HZ) < 0.5 * alone  # faded out at the end
