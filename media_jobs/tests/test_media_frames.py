"""sample_frames on real files made by ffmpeg: where samples land, what they show, odd and damaged input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from media_jobs.media.frames import plan_decoding, sample_frames
from media_jobs.media.probe import probe_media
from media_jobs.media.types import SampledFrame
from media_jobs.tests import media_factory as mf

COLORS = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255), "white": (255, 255, 255)}


def sample(path: Path, fps: float = 1.0, max_side: int = 640) -> list[SampledFrame]:
    return list(sample_frames(path, probe_media(path), fps=fps, max_side=max_side))


def mean_rgb(image: np.ndarray) -> np.ndarray:
    return image.reshape(-1, 3).mean(axis=0)


def test_it_samples_one_frame_per_second_at_dense_keyframes(tmp_path: Path) -> None:
    samples = sample(mf.make_video(tmp_path / "v.mp4", duration=4.0), fps=1.0)  # a keyframe every second

    assert [s.index for s in samples] == [0, 1, 2, 3]
    assert [s.time for s in samples] == [0.0, 1.0, 2.0, 3.0]
    assert all(s.image.dtype == np.uint8 and s.image.shape == (240, 320, 3) for s in samples)


def test_it_downscales_keeping_the_aspect_ratio(tmp_path: Path) -> None:
    samples = sample(mf.make_video(tmp_path / "v.mp4", duration=2.0, size="640x360"), max_side=160)

    assert [s.image.shape for s in samples] == [(90, 160, 3), (90, 160, 3)]
    assert all(s.image.flags.c_contiguous for s in samples)


@pytest.mark.parametrize("gop", [250, 25, 12])
def test_it_shows_what_is_on_screen_at_each_sample_time(tmp_path: Path, gop: int) -> None:
    # red over [0, 1), lime over [1, 2), blue over [2, 3), white over [3, 4); 2 samples a second
    colors = list(COLORS)
    samples = sample(mf.make_color_video(tmp_path / "c.mp4", colors, gop=gop), fps=2.0)

    assert len(samples) == 8
    for number, frame in enumerate(samples):
        assert abs(frame.time - number / 2) <= 0.25
        expected = COLORS[colors[int(frame.time + 1e-6)]]
        assert np.abs(mean_rgb(frame.image) - expected).max() < 8, (frame.time, mean_rgb(frame.image))


def test_it_reports_each_sample_real_presentation_time(tmp_path: Path) -> None:
    # Luma 16 + 8 * (n mod 25) tells each frame's number n; one keyframe, so samples at 3 fps come
    # from frames decoded between keyframes.
    samples = sample(mf.make_counter_video(tmp_path / "n.mp4", duration=4.0, gop=250), fps=3.0)

    assert len(samples) == 12
    for number, frame in enumerate(samples):
        assert abs(frame.time - number / 3) <= 1 / 6
        grey = mean_rgb(frame.image).mean()
        shown = round(grey * 219 / 255 / 8)  # full-range RGB back to limited-range luma steps
        assert shown == round(frame.time * 25) % 25, (frame.time, grey)


@pytest.mark.parametrize(
    ("rotation", "corner"), [(0, "top-left"), (90, "bottom-left"), (180, "bottom-right"), (270, "top-right")]
)
def test_it_turns_phone_video_upright(tmp_path: Path, rotation: int, corner: str) -> None:
    # The white marker sits in the coded picture's top-left; a player turns it with the picture
    # (counterclockwise; ffmpeg's own autorotate puts it in the same corner).
    samples = sample(mf.make_marked_video(tmp_path / "p.mp4", rotation=rotation, size="320x240"))

    upright = samples[0].image
    assert upright.shape == ((320, 240, 3) if rotation % 180 else (240, 320, 3))
    assert brightest_corner(upright) == corner


def brightest_corner(image: np.ndarray) -> str:
    height, width = image.shape[0] // 2, image.shape[1] // 2
    corners = {
        "top-left": image[:height, :width],
        "top-right": image[:height, width:],
        "bottom-left": image[height:, :width],
        "bottom-right": image[height:, width:],
    }
    return max(corners, key=lambda name: float(corners[name].mean()))


def test_it_samples_a_variable_frame_rate_video(tmp_path: Path) -> None:
    # Frames every 0.1 s until 0.9 s, none until 2.2 s, then every 0.5 s until 4.2 s.
    samples = sample(mf.make_vfr_video(tmp_path / "vfr.mp4"), fps=1.0)

    assert [s.time for s in samples] == pytest.approx([0.0, 0.9, 2.2, 3.2, 4.2])


def test_it_samples_odd_dimensions(tmp_path: Path) -> None:
    video = mf.make_odd_video(tmp_path / "odd.mp4", size="321x241", duration=2.0)

    assert [s.image.shape for s in sample(video)] == [(241, 321, 3), (241, 321, 3)]
    assert [s.image.shape for s in sample(video, max_side=160)] == [(120, 160, 3), (120, 160, 3)]


@pytest.mark.skipif(not mf.has_encoder("libx265"), reason="the bundled ffmpeg has no libx265 encoder")
def test_it_converts_10_bit_hevc_to_8_bit_rgb(tmp_path: Path) -> None:
    samples = sample(mf.make_hevc10_video(tmp_path / "hdr.mp4", color="red", duration=2.0))

    assert len(samples) == 2
    for frame in samples:
        assert frame.image.dtype == np.uint8
        assert np.abs(mean_rgb(frame.image) - COLORS["red"]).max() < 8


def test_it_samples_a_video_with_several_audio_tracks(tmp_path: Path) -> None:
    samples = sample(mf.make_multi_audio_video(tmp_path / "dubbed.mp4", duration=2.0))

    assert [s.time for s in samples] == [0.0, 1.0]


@pytest.mark.parametrize("gop", [25, 250])
def test_it_keeps_sampling_past_corrupt_packets(tmp_path: Path, gop: int) -> None:
    codec = (*mf.H264, "-g", str(gop))  # the later -g wins
    video = mf.make_video(tmp_path / "v.mp4", duration=6.0, audio=False, codec_args=codec)
    damaged = mf.corrupt_middle(video, tmp_path / "damaged.mp4", length=8000)

    times = [s.time for s in sample(damaged)]

    assert times[0] == 0.0
    assert any(t > 4.0 for t in times)  # the damage sits around 3 s
    assert all(abs(t - round(t)) <= 0.5 for t in times)


def test_it_plans_to_decode_only_keyframes_when_they_are_dense_enough() -> None:
    # keyframes every 2 s but within half a second of every 1 fps target
    assert plan_decoding([0, 1, 2, 3], [0.0, 1.4, 2.0, 3.4], tolerance=0.5) == {}


def test_it_plans_to_decode_a_group_only_into_the_window_of_its_last_target() -> None:
    plan = plan_decoding([0, 1, 2, 3, 4, 5], [0.0, 4.0], tolerance=0.5)

    # from the keyframe at 0, decode until frames reach 3 s less 90 % of the tolerance
    assert plan == pytest.approx({0.0: 2.55, 4.0: 4.55})


def test_a_keyframe_half_way_between_two_targets_serves_neither() -> None:
    # x264 puts keyframes at scene cuts; one at 20.5 s is half a second from 20 s and from 21 s
    plan = plan_decoding([19, 20, 21], [18.9, 20.5, 21.7], tolerance=0.5)

    assert plan == pytest.approx({18.9: 19.55, 20.5: 20.55})


def test_it_samples_every_second_when_keyframes_fall_half_way_between_targets(tmp_path: Path) -> None:
    # keyframes forced at 0, 2.5 and 4.5 s (frames 0, 75 and 135 at 30 fps): half-way between two targets
    codec = (*mf.H264, "-force_key_frames", "0,2.5,4.5", "-g", "1000", "-sc_threshold", "0")
    video = mf.make_video(tmp_path / "v.mp4", duration=6.0, fps=30, audio=False, codec_args=codec)

    times = [s.time for s in sample(video)]

    assert [round(t) for t in times] == [0, 1, 2, 3, 4, 5]
    assert all(abs(t - round(t)) <= 0.5 for t in times)


def test_it_plans_to_decode_everything_when_no_packet_is_marked_a_keyframe() -> None:
    assert plan_decoding([0, 1], [], tolerance=0.5) is None
