"""render_clip and extract_thumbnail on small generated sources: size, span, face, audio, failures."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from clips.media.render import extract_thumbnail, render_clip
from clips.media.types import ClipSpec
from clips.tests.media_samples import decoded_frames, face_samples, face_video, lavfi_video
from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.probe import probe_media
from media_jobs.media.types import MediaProcessingError
from media_jobs.tests.media_factory import make_counter_video, make_marked_video

WIDE = "testsrc2=size=320x180:rate=25"
TALL = "testsrc2=size=180x320:rate=25"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sources")
    return {
        "wide": lavfi_video(
            folder / "wide.mp4", WIDE, duration=3.0, audio="sine=frequency=440:sample_rate=48000"
        ),
        "tall": lavfi_video(folder / "tall.mp4", TALL, duration=3.0),
    }


@pytest.mark.parametrize(
    ("source", "size", "span"),
    [
        ("wide", (1080, 1920), (1.0, 1.6)),
        ("wide", (96, 96), (0.5, 2.5)),
        ("wide", (192, 108), (0.5, 2.5)),
        ("tall", (192, 108), (0.5, 2.5)),
        ("tall", (108, 192), (0.5, 2.5)),
    ],
)
def test_it_renders_the_requested_size_and_span(
    sources: dict[str, Path], tmp_path: Path, source: str, size: tuple[int, int], span: tuple[float, float]
) -> None:
    src, out = sources[source], tmp_path / "clip.mp4"
    report = render_clip(src, probe_media(src), ClipSpec(*span, *size), out)
    info = probe_media(out)
    expected_frames = round((span[1] - span[0]) * 25)
    assert (info.width, info.height) == size
    assert report.frames == expected_frames == len(decoded_frames(out, "gray"))
    assert abs(info.duration - (span[1] - span[0])) <= 1 / 25 + 0.03  # AAC priming may add a few ms
    assert info.has_audio and info.video_codec == "h264" and info.pixel_format == "yuv420p"
    assert not list(tmp_path.glob(".*.part"))


def test_it_starts_and_ends_on_the_exact_frames(tmp_path: Path) -> None:
    src = make_counter_video(tmp_path / "counter.mp4", duration=4.0, gop=50)  # luma = 16 + 8 * (n mod 25)
    render_clip(src, probe_media(src), ClipSpec(1.48, 2.48, 64, 48), tmp_path / "clip.mp4")
    frames = decoded_frames(tmp_path / "clip.mp4", "gray")
    assert len(frames) == 25
    assert abs(frames[0].mean() - (16 + 8 * 12)) < 3  # source frame 37 (1.48 s)
    assert abs(frames[-1].mean() - (16 + 8 * 11)) < 3  # source frame 61


def test_it_keeps_the_moving_face_inside_the_vertical_crop(tmp_path: Path) -> None:
    src = tmp_path / "face.mp4"
    face = face_video(src, duration=5.0)
    spec = ClipSpec(0.5, 4.5, 144, 256, faces=face_samples(face, 5.0))
    report = render_clip(src, probe_media(src), spec, tmp_path / "clip.mp4")
    assert report.face_coverage >= 0.98 and report.tracked_frames == report.frames == 100
    assert not report.fallback
    assert report.crop_width == 152 and report.crop_height == 270


def test_it_turns_a_rotated_source_upright(tmp_path: Path) -> None:
    src = make_marked_video(tmp_path / "rotated.mp4", rotation=90, size="320x240")
    info = probe_media(src)
    assert (info.width, info.height, info.rotation) == (240, 320, 90)
    render_clip(src, info, ClipSpec(0.2, 1.0, 120, 160), tmp_path / "clip.mp4")
    ours = decoded_frames(tmp_path / "clip.mp4", "gray")[0]
    run_ffmpeg(
        ["-i", str(src), "-frames:v", "1", "-s", "120x160", str(tmp_path / "player.png")], what="still"
    )
    players = cv2.imread(str(tmp_path / "player.png"), cv2.IMREAD_GRAYSCALE)  # ffmpeg turns it as players do
    assert players is not None
    assert _bright_centre(ours) == pytest.approx(_bright_centre(players), abs=6)


def _bright_centre(image: np.ndarray) -> tuple[float, float]:
    rows, columns = np.nonzero(image > 128)
    return float(columns.mean()), float(rows.mean())


def test_it_gives_a_source_without_audio_a_silent_track(sources: dict[str, Path], tmp_path: Path) -> None:
    report = render_clip(
        sources["tall"], probe_media(sources["tall"]), ClipSpec(0.0, 1.0, 90, 160), tmp_path / "c.mp4"
    )
    assert not report.has_source_audio
    assert probe_media(tmp_path / "c.mp4").has_audio


def test_it_refuses_a_corrupt_source_and_leaves_nothing_behind(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64)
    with pytest.raises(MediaProcessingError):
        render_clip(corrupt, probe_media(sources["wide"]), ClipSpec(0.0, 1.0, 96, 96), tmp_path / "clip.mp4")
    assert list(tmp_path.iterdir()) == [corrupt]


def test_it_extracts_a_jpeg_thumbnail_of_the_clip_size(sources: dict[str, Path], tmp_path: Path) -> None:
    clip, thumbnail = tmp_path / "clip.mp4", tmp_path / "thumb.jpg"
    render_clip(sources["wide"], probe_media(sources["wide"]), ClipSpec(0.0, 1.0, 108, 192), clip)
    extract_thumbnail(clip, 0.5, thumbnail)
    assert thumbnail.read_bytes()[:3] == b"\xff\xd8\xff"
    image = cv2.imread(str(thumbnail))
    assert image is not None and image.shape[:2] == (192, 108)
