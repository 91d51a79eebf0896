"""probe_media and check_media on real files made by ffmpeg: good, odd and broken uploads."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from media_jobs.media.probe import MediaLimits, check_media, format_bytes, format_duration, probe_media
from media_jobs.media.types import MediaInfo, UnplayableMedia
from media_jobs.tests import media_factory as mf

INCOMPLETE = "The file is incomplete or damaged; the upload may have been cut off. Please upload it again."
NO_VIDEO = "The file has no video track."
ROOMY = MediaLimits(max_bytes=10 * 1024**3, max_duration=4 * 3600, max_side=4096)


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s, 320x240, 25 fps H.264 with a 440 Hz AAC tone."""
    return mf.make_video(tmp_path_factory.mktemp("probe") / "video.mp4")


@pytest.fixture(scope="module")
def silent_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s, 320x240, 25 fps H.264, no audio track."""
    return mf.make_video(tmp_path_factory.mktemp("probe") / "silent.mp4", audio=False)


def test_it_describes_a_video_with_sound(video: Path) -> None:
    info = probe_media(video)

    assert info.duration == pytest.approx(4.0, abs=0.05)
    assert replace(info, duration=4.0) == MediaInfo(
        format_name="mov,mp4,m4a,3gp,3g2,mj2",
        size_bytes=video.stat().st_size,
        duration=4.0,
        has_video=True,
        has_audio=True,
        width=320,
        height=240,
        rotation=0,
        fps=25.0,
        video_codec="h264",
        pixel_format="yuv420p",
        audio_codec="aac",
        audio_streams=1,
        frame_count=100,
    )


def test_it_accepts_a_video_without_sound(silent_video: Path) -> None:
    info = probe_media(silent_video)

    assert (info.has_video, info.has_audio, info.audio_streams, info.audio_codec) == (True, False, 0, "")


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")

    with pytest.raises(UnplayableMedia, match=r"^The file is empty\.$"):
        probe_media(empty)


def test_it_refuses_an_upload_cut_off_before_its_index(video: Path, tmp_path: Path) -> None:
    cut = mf.truncate_file(video, tmp_path / "cut.mp4", keep=0.5)  # ffmpeg writes the index last

    with pytest.raises(UnplayableMedia, match=re.escape(INCOMPLETE)):
        probe_media(cut)


def test_it_refuses_an_upload_cut_off_after_its_index(tmp_path: Path) -> None:
    faststart = mf.make_video(tmp_path / "faststart.mp4", codec_args=(*mf.H264, "-movflags", "+faststart"))
    cut = mf.truncate_file(faststart, tmp_path / "cut.mp4", keep=0.7)

    with pytest.raises(UnplayableMedia, match=re.escape(INCOMPLETE)):
        probe_media(cut)


def test_it_refuses_a_pdf_named_mp4(tmp_path: Path) -> None:
    with pytest.raises(UnplayableMedia, match=r"^The file is not a video we can read\.$"):
        probe_media(mf.make_pdf(tmp_path / "contract.mp4"))


@pytest.mark.parametrize("codec", ["png", "mjpeg"])
def test_it_refuses_a_still_picture_named_mp4(tmp_path: Path, codec: str) -> None:
    with pytest.raises(UnplayableMedia, match=r"^The file is a still picture, not a video\.$"):
        probe_media(mf.make_still_picture(tmp_path / "photo.mp4", codec=codec))


def test_it_refuses_an_mp3_named_mp4(tmp_path: Path) -> None:
    with pytest.raises(UnplayableMedia, match=re.escape(NO_VIDEO)):
        probe_media(mf.make_tone(tmp_path / "song.mp4"))


def test_it_refuses_audio_only(tmp_path: Path) -> None:
    with pytest.raises(UnplayableMedia, match=re.escape(NO_VIDEO)):
        probe_media(mf.make_tone(tmp_path / "voice.m4a", codec="aac"))


@pytest.mark.parametrize(("rotation", "width", "height"), [(90, 240, 320), (180, 320, 240), (270, 240, 320)])
def test_it_reports_a_rotated_video_as_displayed(
    tmp_path: Path, rotation: int, width: int, height: int
) -> None:
    info = probe_media(mf.make_marked_video(tmp_path / "phone.mp4", rotation=rotation, size="320x240"))

    assert (info.rotation, info.width, info.height) == (rotation, width, height)


def test_it_reports_the_average_rate_of_a_variable_frame_rate_video(tmp_path: Path) -> None:
    info = probe_media(mf.make_vfr_video(tmp_path / "vfr.mp4"))

    # 15 frames over 4.3 s: the last one, at 4.2 s, lasts as long as the 10 fps ones before the gap.
    assert info.frame_count == 15
    assert info.duration == pytest.approx(4.3, abs=0.01)
    assert info.fps == pytest.approx(15 / 4.3, abs=0.01)


def test_it_reports_odd_dimensions(tmp_path: Path) -> None:
    info = probe_media(mf.make_odd_video(tmp_path / "odd.mp4", size="321x241"))

    assert (info.width, info.height, info.pixel_format) == (321, 241, "yuv444p")


@pytest.mark.skipif(not mf.has_encoder("libx265"), reason="the bundled ffmpeg has no libx265 encoder")
def test_it_describes_10_bit_hevc(tmp_path: Path) -> None:
    info = probe_media(mf.make_hevc10_video(tmp_path / "hdr.mp4"))

    assert (info.video_codec, info.pixel_format, info.width, info.height) == ("hevc", "yuv420p10le", 320, 240)


def test_it_counts_several_audio_tracks(tmp_path: Path) -> None:
    info = probe_media(mf.make_multi_audio_video(tmp_path / "dubbed.mp4", tones_hz=(440, 1000, 2000)))

    assert (info.has_audio, info.audio_streams, info.audio_codec) == (True, 3, "aac")


def test_it_accepts_a_file_damaged_mid_stream(video: Path, tmp_path: Path) -> None:
    damaged = mf.corrupt_middle(video, tmp_path / "damaged.mp4")

    assert probe_media(damaged).frame_count == 100


def test_it_refuses_a_header_claiming_an_absurd_duration(silent_video: Path, tmp_path: Path) -> None:
    lying = mf.patch_mp4_duration(silent_video, tmp_path / "forever.mp4", seconds=30 * 3600)

    with pytest.raises(UnplayableMedia, match=r"^The file says it is 30 h long, more than we can play"):
        probe_media(lying)


@pytest.mark.parametrize(("width", "height"), [(8000, 6000), (9000, 48)])
def test_it_refuses_a_header_claiming_an_absurd_picture_size(tmp_path: Path, width: int, height: int) -> None:
    raw = mf.make_raw_mov(tmp_path / "raw.mov", size="64x48")
    lying = mf.patch_mov_picture_size(raw, tmp_path / "huge.mov", width=width, height=height)

    with pytest.raises(UnplayableMedia, match=rf"^The file says its picture is {width} x {height} pixels"):
        probe_media(lying)


def test_it_refuses_a_video_track_that_cannot_be_decoded(silent_video: Path, tmp_path: Path) -> None:
    blank = mf.blank_media_data(silent_video, tmp_path / "blank.mp4")

    with pytest.raises(UnplayableMedia, match=r"^The video track cannot be decoded"):
        probe_media(blank)


def test_it_accepts_a_video_right_at_the_limits(video: Path) -> None:
    info = probe_media(video)
    limits = MediaLimits(max_bytes=info.size_bytes, max_duration=info.duration, max_side=320)

    assert check_media(video, limits) == info


def test_it_refuses_a_file_over_the_size_limit(video: Path) -> None:
    limits = MediaLimits(max_bytes=100 * 1024, max_duration=3600, max_side=4096)
    size = format_bytes(video.stat().st_size)

    with pytest.raises(UnplayableMedia, match=rf"^The file is {size}; your limit is 100 KB\.$"):
        check_media(video, limits)


def test_it_refuses_a_video_over_the_duration_limit(video: Path) -> None:
    limits = MediaLimits(max_bytes=10**9, max_duration=3.0, max_side=4096)

    with pytest.raises(UnplayableMedia, match=r"^The video is 4 s long; your limit is 3 s\.$"):
        check_media(video, limits)


def test_it_words_long_durations_in_hours_and_minutes(silent_video: Path, tmp_path: Path) -> None:
    long = mf.patch_mp4_duration(silent_video, tmp_path / "long.mp4", seconds=2 * 3600 + 5 * 60)
    limits = MediaLimits(max_bytes=10**9, max_duration=2 * 3600, max_side=4096)

    with pytest.raises(UnplayableMedia, match=r"^The video is 2 h 5 min long; your limit is 2 h\.$"):
        check_media(long, limits)


def test_it_refuses_a_video_over_the_picture_size_limit(tmp_path: Path) -> None:
    phone = mf.make_marked_video(tmp_path / "phone.mp4", rotation=270, size="320x240")
    limits = MediaLimits(max_bytes=10**9, max_duration=3600, max_side=300)

    expected = r"^The video is 240 x 320 pixels; your limit is 300 pixels on the longer side\.$"
    with pytest.raises(UnplayableMedia, match=expected):
        check_media(phone, limits)


def test_it_probes_before_checking_limits(tmp_path: Path) -> None:
    too_small = MediaLimits(max_bytes=1, max_duration=0.1, max_side=1)

    with pytest.raises(UnplayableMedia, match=r"^The file is not a video we can read\.$"):
        check_media(mf.make_pdf(tmp_path / "contract.mp4"), too_small)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (40, "40 s"),
        (40.2, "41 s"),
        (200, "3 min 20 s"),
        (7200, "2 h"),
        (7200.5, "2 h 1 min"),
        (7500, "2 h 5 min"),
    ],
)
def test_it_words_durations_rounding_up(seconds: float, words: str) -> None:
    assert format_duration(seconds) == words


@pytest.mark.parametrize(
    ("size", "words"),
    [(500, "500 bytes"), (100 * 1024, "100 KB"), (100 * 1024 + 1, "100.1 KB"), (3 * 1024**3 // 2, "1.5 GB")],
)
def test_it_words_sizes_in_binary_units_rounding_up(size: int, words: str) -> None:
    assert format_bytes(size) == words
