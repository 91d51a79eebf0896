"""render_recap on a colour-coded source: length, which footage plays when, blur, captions, cards, narration.

Source second n shows PALETTE[n] (media_samples), so a frame's colour says which source time it shows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clips.media.loudness import measure_loudness
from clips.tests.media_samples import audio_samples, decoded_frames, tone_level, window
from media_jobs.media.probe import probe_media
from media_jobs.media.types import BlurTrack, BoxAt, MediaProcessingError
from recaps.media.cards import card_frames
from recaps.media.narration import split_narration
from recaps.media.render import render_recap
from recaps.media.types import Cut, NarrationRefused, RecapReport, RecapScene, RecapSpec, Source
from recaps.tests.media_samples import (
    FPS,
    SOURCE_HZ,
    colour_video,
    frame_at,
    narration_wav,
    source_second,
)

FRAME = 1 / FPS
FADE = 0.4
CARD = card_frames(FPS) / FPS  # a title card: CARD_SECONDS, to the frame
BOX = BoxAt(0.0, 0.6, 0.1, 0.95, 0.45)  # the censor plan's box: top right, clear of the captions
BLUR = (BlurTrack(2.0, 3.0, (BOX,)),)  # the source's censor plan: it blurs second 2 only
CAPTIONED = RecapSpec(
    scenes=(
        # 0.72 s of second 0, then a hard cut to 0.8 s of second 2
        RecapScene((Cut(0.2, 0.92), Cut(2.12, 2.92)), caption="Alpha beta gamma delta"),
        # 1.8 s from second 5 into second 6: the colour changes 0.9 s into the scene
        RecapScene((Cut(5.1, 6.9),), caption="Epsilon zeta eta"),
    ),
    width=320,
    height=180,
    crossfade=FADE,
    intro="Our week",
    outro="See you soon",
)
# Parts: intro [0, CARD], scene A from CARD - FADE (1.52 s), scene B 1.52 - FADE later (1.8 s), outro.
A_START = CARD - FADE
B_START = A_START + 1.52 - FADE
OUTRO_START = B_START + 1.8 - FADE


def _one(source: Path, blur: tuple[BlurTrack, ...] = ()) -> list[Source]:
    return [Source(source, probe_media(source), blur=blur)]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return colour_video(tmp_path_factory.mktemp("source") / "source.mp4")


@pytest.fixture(scope="module")
def captioned(
    source: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, RecapReport, list[float]]:
    out = tmp_path_factory.mktemp("captioned") / "recap.mp4"
    progress: list[float] = []
    report = render_recap(_one(source, blur=BLUR), CAPTIONED, None, out, progress.append)
    return out, report, progress


@pytest.fixture(scope="module")
def frames(captioned: tuple[Path, RecapReport, list[float]]) -> list[np.ndarray]:
    return decoded_frames(captioned[0])


def test_it_lasts_the_scenes_and_cards_less_the_crossfades(
    captioned: tuple[Path, RecapReport, list[float]],
) -> None:
    out, report, _ = captioned
    info = probe_media(out)
    expected = 2 * CARD + (0.72 + 0.8) + 1.8 - 3 * FADE
    assert info.duration == pytest.approx(expected, abs=FRAME + 0.005)
    assert report.duration == pytest.approx(expected, abs=FRAME + 0.005)
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (320, 180, "h264", "aac")
    assert measure_loudness(["-i", str(out)]).integrated == pytest.approx(-14.0, abs=1.0)
    assert not out.with_name(f".{out.name}.part").exists()


def test_it_reports_what_it_did(captioned: tuple[Path, RecapReport, list[float]]) -> None:
    _, report, progress = captioned
    assert (report.scenes, report.cuts, report.cards, report.captioned_scenes) == (2, 3, 2, 2)
    assert report.longest_cut == pytest.approx(1.8)
    assert report.source_seconds == pytest.approx(0.72 + 0.8 + 1.8)
    assert report.crossfade == pytest.approx(FADE)
    assert report.narration_seconds == 0 and report.blurred_frames == 20
    assert progress == sorted(progress) and progress[-1] == 1.0 and all(0 <= p <= 1 for p in progress)


def test_it_plays_each_cut_at_its_time(frames: list[np.ndarray]) -> None:
    cut = A_START + 0.72  # the hard cut inside scene A
    assert source_second(frame_at(frames, A_START + FADE + 0.1)) == 0
    assert source_second(frame_at(frames, cut - FRAME)) == 0
    assert source_second(frame_at(frames, cut + FRAME)) == 2
    assert source_second(frame_at(frames, B_START + FADE + 0.2)) == 5
    change = B_START + 0.9  # source 6.0 s
    assert source_second(frame_at(frames, change - FRAME)) == 5
    assert source_second(frame_at(frames, change + FRAME)) == 6


def test_it_crossfades_between_scenes(frames: list[np.ndarray]) -> None:
    middle = frame_at(frames, B_START + FADE / 2)[:90, :160].reshape(-1, 3).mean(axis=0)
    second_two, second_five = np.array([32, 48, 208]), np.array([128, 128, 32])
    # Half-way through the crossfade from source second 2 (blue) into second 5 (olive): a mix of both.
    assert np.linalg.norm(middle - (second_two + second_five) / 2) < 40


def test_it_shows_the_title_cards(frames: list[np.ndarray]) -> None:
    for at in (1.0, OUTRO_START + FADE + 0.5):
        card = frame_at(frames, at).astype(int)
        centre, corner = card[70:110, 60:260], card[:40, :40]
        assert corner.max() < 50  # a dark background
        assert (centre.min(axis=2) > 200).sum() > 50  # white text in the middle


def test_it_blurs_the_censor_plans_box(frames: list[np.ndarray]) -> None:
    def box_detail(at: float) -> float:
        grey = frame_at(frames, at).mean(axis=2)
        return float(grey[25:75, 200:300].std())  # inside BOX

    assert box_detail(A_START + 0.72 + 0.2) < 0.3 * box_detail(A_START + 0.6)  # second 2 vs. second 0


def test_it_burns_the_captions_in(frames: list[np.ndarray]) -> None:
    def bright_in_band(at: float) -> int:
        band = frame_at(frames, at)[120:, :].astype(int)
        return int(((band[..., 0] > 200) & (band[..., 1] > 200)).sum())  # white or yellow text

    assert bright_in_band(A_START + 0.6) > 30 and bright_in_band(B_START + 0.8) > 30
    assert bright_in_band(OUTRO_START + FADE + 0.5) == 0  # no caption on the card's lower band


def test_it_narrates_each_scene_and_ducks_the_source(source: Path, tmp_path: Path) -> None:
    # Two phrases with a 0.8 s pause: 700 Hz at 0.3-1.1 s, 1100 Hz at 1.9-2.5 s of the narration.
    narration = narration_wav(tmp_path / "narration.wav", [(0.3, 1.1, 700.0), (1.9, 2.5, 1100.0)], 3.0)
    first, second = split_narration(narration, 2)
    scenes = (
        RecapScene((Cut(0.2, 2.2),), caption="not shown: narrated", narration=first),
        RecapScene((Cut(3.0, 5.0),), narration=second),
    )
    out, report = _narrated(source, scenes, narration)
    sound = audio_samples(out)
    starts = [0.0, 2.0 - FADE]
    for (span_start, _), start, (phrase, _, hz) in zip(
        (first, second), starts, ((0.3, 1.1, 700.0), (1.9, 2.5, 1100.0)), strict=True
    ):
        heard = start + phrase - span_start  # where the phrase's first sound belongs
        assert _onset(sound, hz, start - 0.3) == pytest.approx(heard, abs=0.1)
    ducked = tone_level(window(sound, 0.3, 0.7), SOURCE_HZ)
    free = tone_level(window(sound, 2.6, 3.4), SOURCE_HZ)  # after the second phrase and its ramp
    assert ducked < free / 10 ** (10 / 20)  # at least 10 dB under the narration
    assert tone_level(window(sound, 0.3, 0.7), 700.0) > 3 * ducked  # the voice on top
    assert report.narration_seconds == pytest.approx(
        (first[1] - first[0]) + (second[1] - second[0]), abs=0.01
    )
    assert report.captioned_scenes == 0 and report.narration_cut == 0
    assert probe_media(out).duration == pytest.approx(4.0 - FADE, abs=FRAME + 0.005)
    assert measure_loudness(["-i", str(out)]).integrated == pytest.approx(-14.0, abs=1.0)


def _narrated(source: Path, scenes: tuple[RecapScene, ...], narration: Path) -> tuple[Path, RecapReport]:
    """The scenes rendered at 320x180 with FADE crossfades, narrated: the recap beside the narration."""
    out = narration.with_name("narrated.mp4")
    spec = RecapSpec(scenes, width=320, height=180, crossfade=FADE)
    return out, render_recap(_one(source), spec, narration, out)


def _onset(sound: np.ndarray, hz: float, after: float, step: float = 0.02) -> float:
    """The first time after `after` where the `hz` tone reaches half its loudest (20 ms steps)."""
    times = np.arange(max(after, 0.0), len(sound) / 48_000 - step, step)
    levels = np.array([tone_level(window(sound, t, t + step), hz) for t in times])
    return float(times[np.argmax(levels > levels.max() / 2)])


def test_it_refuses_a_narration_that_is_not_audio(source: Path, tmp_path: Path) -> None:
    text = tmp_path / "narration.wav"
    text.write_text("not a recording")
    spec = RecapSpec((RecapScene((Cut(0.0, 1.0),), narration=(0.0, 1.0)),), 320, 180)
    with pytest.raises(NarrationRefused, match="not an audio file"):
        render_recap(_one(source), spec, text, tmp_path / "recap.mp4")
    assert not list(tmp_path.glob("*recap.mp4*"))


def test_it_refuses_cuts_outside_the_source(source: Path, tmp_path: Path) -> None:
    spec = RecapSpec((RecapScene((Cut(7.5, 9.5),)),), 320, 180)
    with pytest.raises(MediaProcessingError, match="not within one source"):
        render_recap(_one(source), spec, None, tmp_path / "recap.mp4")


def test_it_refuses_a_crossfade_shorter_than_a_frame(source: Path, tmp_path: Path) -> None:
    spec = RecapSpec((RecapScene((Cut(0.0, 1.0),)), RecapScene((Cut(3.0, 4.0),))), 320, 180, crossfade=0.0)
    with pytest.raises(MediaProcessingError, match="shorter than a frame"):
        render_recap(_one(source), spec, None, tmp_path / "recap.mp4")


def test_it_cuts_a_narration_span_where_the_next_scene_starts(source: Path, tmp_path: Path) -> None:
    # The first phrase lasts 2 s, but its scene has 1.5 - FADE = 1.1 s before the second scene starts.
    narration = narration_wav(tmp_path / "narration.wav", [(0.0, 2.0, 700.0), (2.5, 3.0, 1100.0)], 3.2)
    scenes = (
        RecapScene((Cut(0.0, 1.5),), narration=(0.0, 2.0)),
        RecapScene((Cut(3.0, 4.5),), narration=(2.5, 3.0)),
    )
    out, report = _narrated(source, scenes, narration)
    sound = audio_samples(out)
    second_start = 1.5 - FADE
    assert tone_level(window(sound, 0.3, 1.0), 700.0) > 0.05
    assert tone_level(window(sound, second_start + 0.05, second_start + 0.5), 700.0) < 0.005
    assert tone_level(window(sound, second_start + 0.05, second_start + 0.45), 1100.0) > 0.05
    assert report.narration_cut == pytest.approx(2.0 - second_start, abs=FRAME)  # the cut lasts whole frames


def test_it_cuts_from_several_sources_as_one_footage_timeline(source: Path, tmp_path: Path) -> None:
    """Two videos one after the other: a cut at 8 + 5.1 s is second 5 of the second one, censored by the
    second one's own plan (its box blurs its second 5; the first one's plan blurs nothing there)."""
    info = probe_media(source)
    second = Source(source, info, offset=info.duration, blur=(BlurTrack(5.0, 6.0, (BOX,)),))
    spec = RecapSpec((RecapScene((Cut(1.1, 1.9), Cut(info.duration + 5.1, info.duration + 5.9))),), 320, 180)
    out = tmp_path / "recap.mp4"
    report = render_recap([Source(source, info), second], spec, None, out)
    frames = decoded_frames(out)
    assert source_second(frame_at(frames, 0.4)) == 1 and source_second(frame_at(frames, 1.2)) == 5
    grey = [frame_at(frames, at).mean(axis=2)[25:75, 200:300].std() for at in (0.4, 1.2)]
    assert grey[1] < 0.3 * grey[0] and report.blurred_frames == 20
    assert report.source_seconds == pytest.approx(1.6)
