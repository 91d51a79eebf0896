"""The censored render, on small generated videos whose every frame and sample is known."""

import hashlib
import math
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import av
import cv2
import numpy as np
import pytest

from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.render import RenderReport, render_censored, render_picture
from media_jobs.media.render.audio import BLEEP_AMPLITUDE, AudioOutput, censor_samples
from media_jobs.media.render.censored import AUDIO_THREAD, encoded_ahead
from media_jobs.media.types import AudioCensor, BlurTrack, BoxAt, CensorPlan, MediaInfo, MediaProcessingError
from media_jobs.tests.media_factory import make_video

X264 = ("-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "25", "-sc_threshold", "0")
WITH_B_FRAMES = (*X264, "-preset", "veryfast")  # 3 B-frames: decode order differs from display order
BLURRED_RATIO = 10  # a blurred box keeps less than 1/10 of the source's Laplacian variance
PASSED_THROUGH_PSNR = 35.0  # dB: a re-encoded frame outside every span still looks like the source

# A box that moves and grows across three keyframes, wide enough to always cover some testsrc2 bar edges.
TRACK = BlurTrack(
    start=4.30,
    end=5.70,
    keyframes=(
        BoxAt(4.5, 0.05, 0.10, 0.45, 0.50),
        BoxAt(5.0, 0.30, 0.20, 0.75, 0.70),
        BoxAt(5.5, 0.50, 0.40, 0.95, 0.95),
    ),
)


# --- media helpers -------------------------------------------------------------------------------


def media_info(path: Path) -> MediaInfo:
    """What probing would say, enough for the renderer."""
    with av.open(str(path)) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio
        first = next(container.decode(video)) if video else None
        rotation = round(first.rotation) % 360 if first else 0
        width, height = (video.width, video.height) if video else (0, 0)
        if rotation in (90, 270):
            width, height = height, width
        return MediaInfo(
            format_name=container.format.name,
            size_bytes=path.stat().st_size,
            duration=(container.duration or 0) / av.time_base,
            has_video=video is not None,
            has_audio=bool(audio),
            width=width,
            height=height,
            rotation=rotation,
            fps=float(video.average_rate or 0) if video else 0.0,
            video_codec=video.codec_context.name if video else "",
            pixel_format=(video.codec_context.pix_fmt or "") if video else "",
            audio_codec=audio[0].codec_context.name if audio else "",
            audio_streams=len(audio),
            frame_count=video.frames if video else 0,
        )


def render(src: Path, plan: CensorPlan, on_progress=None):
    out = src.with_name(f"{src.stem}-censored.mp4")
    return out, render_censored(src, out, media_info(src), plan, on_progress)


def decoded_frames(path: Path) -> dict[float, np.ndarray]:
    """Frame start time (s) -> luma, decoding every frame and failing on any decoder error."""
    av.logging.set_level(av.logging.WARNING)
    try:
        with av.logging.Capture(local=False) as logs, av.open(str(path)) as container:
            stream = container.streams.video[0]
            frames = [
                (seconds(frame.pts, frame.time_base), frame.to_ndarray(format="gray"))
                for frame in container.decode(stream)
            ]
    finally:
        av.logging.set_level(None)
    assert [entry for entry in logs if entry[0] <= av.logging.ERROR] == []
    times = [t for t, _ in frames]
    assert times == sorted(set(times)), "presentation timestamps must strictly increase"
    return dict(frames)


def seconds(pts: int | None, time_base: Fraction | None) -> float:
    assert pts is not None and time_base is not None
    return round(float(pts * time_base), 4)


def video_packets(path: Path) -> dict[float, str]:
    """Frame start time (s) -> hash of its compressed packet."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return {
            seconds(packet.pts, packet.time_base): hashlib.sha256(bytes(packet)).hexdigest()
            for packet in container.demux(stream)
            if packet.size
        }


def audio_samples(path: Path) -> tuple[np.ndarray, int]:
    """The first audio stream as mono float samples, and its rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks = [frame.to_ndarray().astype(np.float64).mean(axis=0) for frame in container.decode(stream)]
        return np.concatenate(chunks), stream.rate


def audio_seconds(path: Path) -> float:
    """The audio track's duration as the container states it."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return float((stream.duration or 0) * (stream.time_base or 0))


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def sharpness(luma: np.ndarray) -> float:
    return float(cv2.Laplacian(luma, cv2.CV_64F).var())


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def box_pixels(luma: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    height, width = luma.shape
    return luma[
        math.floor(box[1] * height) : math.ceil(box[3] * height),
        math.floor(box[0] * width) : math.ceil(box[2] * width),
    ]


def expected_box(track: BlurTrack, t: float) -> tuple[float, float, float, float]:
    """The track's box at t by the contract: linear between keyframes, held outside them."""
    times = [keyframe.t for keyframe in track.keyframes]
    coords = zip(*[(k.x1, k.y1, k.x2, k.y2) for k in track.keyframes], strict=True)
    x1, y1, x2, y2 = (float(np.interp(max(t, track.start), times, values)) for values in coords)
    return x1, y1, x2, y2


def shown_during(track: BlurTrack, start: float, end: float) -> bool:
    return start <= track.end and end > track.start


def frame_spans(frames: dict[float, np.ndarray], last_duration: float) -> dict[float, tuple[float, float]]:
    times = sorted(frames)
    return dict(zip(times, zip(times, [*times[1:], times[-1] + last_duration], strict=True), strict=True))


def assert_blurred(source: np.ndarray, output: np.ndarray, box) -> None:
    before, after = sharpness(box_pixels(source, box)), sharpness(box_pixels(output, box))
    assert after * BLURRED_RATIO < before, f"box {box} kept sharpness {after:.0f} of {before:.0f}"


def assert_browser_playable(out: Path, src: Path, *, audio: bool = True) -> None:
    """H.264 yuv420p (+ AAC), moov before mdat, every frame decodable, same frames and duration as src."""
    with av.open(str(out)) as container, av.open(str(src)) as source:
        video, source_video = container.streams.video[0], source.streams.video[0]
        assert (video.codec_context.name, video.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert video.width % 2 == 0 and video.height % 2 == 0
        assert [s.codec_context.name for s in container.streams.audio] == (["aac"] if audio else [])
        frame_seconds = 1 / float(source_video.average_rate or 1)
        assert abs((container.duration or 0) - (source.duration or 0)) / av.time_base <= frame_seconds
    assert len(decoded_frames(out)) == len(decoded_frames(src))
    boxes = top_level_boxes(out)
    assert boxes.index(b"moov") < boxes.index(b"mdat"), "+faststart puts the index first"


def top_level_boxes(path: Path) -> list[bytes]:
    data, boxes, offset = path.read_bytes(), [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        boxes.append(data[offset + 4 : offset + 8])
        offset += size or len(data)
    return boxes


@pytest.fixture(scope="module")
def twelve_seconds(tmp_path_factory) -> Path:
    """12 s of testsrc2 at 25 fps with B-frames, an IDR every second, and a 440 Hz tone."""
    return make_video(tmp_path_factory.mktemp("render") / "twelve.mp4", duration=12, codec_args=WITH_B_FRAMES)


@pytest.fixture(scope="module")
def twelve_seconds_with_in_band_headers(tmp_path_factory) -> Path:
    """The same, from an encoder that repeats its SPS/PPS before every IDR (as many cameras do)."""
    in_band = (*WITH_B_FRAMES, "-x264-params", "repeat-headers=1")
    return make_video(tmp_path_factory.mktemp("render") / "in-band.mp4", duration=12, codec_args=in_band)


# --- blur and partial re-encoding -----------------------------------------------------------------


def test_it_blurs_every_frame_a_track_touches_and_leaves_the_others_alone(twelve_seconds):
    out, report = render(twelve_seconds, CensorPlan(blur=(TRACK,)))

    source, output = decoded_frames(twelve_seconds), decoded_frames(out)
    source_packets, output_packets = video_packets(twelve_seconds), video_packets(out)
    blurred = []
    for t, (start, end) in frame_spans(source, 0.04).items():
        if shown_during(TRACK, start, end):
            assert_blurred(source[t], output[t], expected_box(TRACK, start))
            blurred.append(t)
        elif 4.0 <= t < 6.0:  # re-encoded GOPs: only the frames in the span may change
            assert psnr(source[t], output[t]) > PASSED_THROUGH_PSNR, f"frame at {t} s changed"
        else:
            assert output_packets[t] == source_packets[t], f"frame at {t} s was not copied"
    # The frame at 4.28 s starts before the span but is still on screen at 4.30 s; 5.68 s is the last one.
    assert (blurred[0], blurred[-1], len(blurred)) == (4.28, 5.68, 36)
    assert report.full_reencode is False
    assert_browser_playable(out, twelve_seconds)


@pytest.mark.parametrize("source_fixture", ["twelve_seconds", "twelve_seconds_with_in_band_headers"])
def test_it_reencodes_only_the_gops_a_blur_span_touches(request, source_fixture):
    src = request.getfixturevalue(source_fixture)
    span = BlurTrack(4.3, 5.8, (BoxAt(4.3, 0.1, 0.1, 0.6, 0.6),))  # 1.5 s inside the GOPs at 4 s and 5 s

    out, report = render(src, CensorPlan(blur=(span,)))

    assert (report.reencoded_seconds, report.copied_seconds, report.full_reencode) == (2.0, 10.0, False)
    source_packets, output_packets = video_packets(src), video_packets(out)
    changed = sorted(t for t in source_packets if output_packets[t] != source_packets[t])
    assert changed[0] >= 4.0 and changed[-1] < 6.0
    assert len(changed) == 50 and output_packets.keys() == source_packets.keys()
    assert_browser_playable(out, src)


def test_it_splices_several_runs_of_gops_into_one_clean_stream(twelve_seconds):
    early = BlurTrack(0.2, 0.4, (BoxAt(0.2, 0.0, 0.0, 0.5, 0.5),))  # the first GOP: its dts start below 0
    late = BlurTrack(8.5, 9.5, (BoxAt(8.5, 0.5, 0.5, 1.0, 1.0),))

    out, report = render(twelve_seconds, CensorPlan(blur=(early, late)))

    assert (report.reencoded_seconds, report.copied_seconds) == (3.0, 9.0)
    source, output = decoded_frames(twelve_seconds), decoded_frames(out)
    for t, (start, end) in frame_spans(source, 0.04).items():
        for track in (early, late):
            if shown_during(track, start, end):
                assert_blurred(source[t], output[t], expected_box(track, t))
    assert_browser_playable(out, twelve_seconds)


def test_it_copies_a_rotated_source_with_its_rotation_when_nothing_is_blurred(tmp_path):
    plain = make_video(tmp_path / "plain.mp4", duration=2, codec_args=X264)
    rotated = tmp_path / "rotated.mp4"
    run_ffmpeg(["-display_rotation", "90", "-i", str(plain), "-c", "copy", str(rotated)], what="rotate")

    out, report = render(rotated, CensorPlan(audio=(AudioCensor(0.5, 1.0, "mute"),)))

    assert (report.full_reencode, report.reencoded_seconds) == (False, 0.0)
    assert video_packets(out) == video_packets(rotated)
    with av.open(str(out)) as container:
        assert next(container.decode(video=0)).rotation == 90


def test_it_copies_video_and_audio_for_an_empty_plan(twelve_seconds):
    started = time.monotonic()
    out, report = render(twelve_seconds, CensorPlan())

    assert time.monotonic() - started < 5
    assert report == RenderReport(0.0, 12.0, full_reencode=False, reason="", audio_reencoded=False)
    assert video_packets(out) == video_packets(twelve_seconds)
    assert np.array_equal(audio_samples(out)[0], audio_samples(twelve_seconds)[0])
    assert_browser_playable(out, twelve_seconds)


# --- full re-encode fallbacks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "codec_args", "reason"),
    [
        ("321x241", ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"), "yuv444p"),
        ("320x240", ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le"), "yuv420p10le"),
        ("320x240", ("-c:v", "mpeg4", "-q:v", "3"), "mpeg4"),
    ],
)
def test_it_reencodes_in_full_what_cannot_be_spliced(tmp_path, size, codec_args, reason):
    src = make_video(tmp_path / "source.mp4", duration=2, size=size, codec_args=codec_args)
    track = BlurTrack(0.5, 1.5, (BoxAt(0.5, 0.1, 0.1, 0.5, 0.6), BoxAt(1.5, 0.5, 0.4, 0.9, 0.9)))

    out, report = render(src, CensorPlan(blur=(track,)))

    assert report.full_reencode and reason in report.reason
    assert (report.reencoded_seconds, report.copied_seconds) == (2.0, 0.0)
    source, output = decoded_frames(src), decoded_frames(out)
    for t, (start, end) in frame_spans(source, 0.04).items():
        shown = source[t][:240, :320]  # the output drops an odd last row and column
        if shown_during(track, start, end):
            assert_blurred(shown, output[t], expected_box(track, start))
        else:
            assert psnr(shown, output[t]) > PASSED_THROUGH_PSNR
    assert_browser_playable(out, src)


def test_it_turns_a_rotated_source_upright_and_blurs_where_the_box_is_shown(tmp_path):
    upright = make_video(tmp_path / "upright.mp4", duration=2, size="240x320", codec_args=X264)
    sideways = tmp_path / "sideways.mp4"
    run_ffmpeg(
        ["-i", str(upright), "-vf", "transpose=clock", *X264, "-c:a", "copy", str(tmp_path / "t.mp4")],
        what="t",
    )
    run_ffmpeg(
        ["-display_rotation", "90", "-i", str(tmp_path / "t.mp4"), "-c", "copy", str(sideways)], what="r"
    )
    # The fixture itself: ffmpeg, turning the picture the way players do, shows the upright video.
    run_ffmpeg(
        [
            "-i",
            str(sideways),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            str(tmp_path / "shown"),
        ],
        what="shown",
    )
    shown_by_ffmpeg = np.fromfile(tmp_path / "shown", np.uint8).reshape(320, 240)
    track = BlurTrack(0.0, 2.0, (BoxAt(0.0, 0.1, 0.05, 0.6, 0.4),))  # top of the portrait picture

    out, report = render(sideways, CensorPlan(blur=(track,)))

    assert report.full_reencode and "rotated" in report.reason
    with av.open(str(out)) as container:
        first = next(container.decode(video=0))
        assert (first.width, first.height, first.rotation) == (240, 320, 0)
    shown, output = decoded_frames(upright), decoded_frames(out)
    assert psnr(shown_by_ffmpeg, shown[0.0]) > PASSED_THROUGH_PSNR
    for t in shown:
        assert_blurred(shown[t], output[t], expected_box(track, t))
        assert psnr(shown[t][200:, :], output[t][200:, :]) > PASSED_THROUGH_PSNR  # the bottom is untouched
    assert_browser_playable(out, sideways)


def test_it_keeps_the_timestamps_of_a_variable_frame_rate_source(tmp_path):
    src = tmp_path / "vfr.mp4"
    # Frame 29 (1.16 s) stays on screen until 1.84 s; frame 65 (2.60 s) until the last one, at 2.96 s.
    drop = "select='not(between(n\\,30\\,45))*not(between(n\\,66\\,73))'"
    lavfi = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3", "-vf", drop, "-fps_mode", "vfr"]
    codec = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p")  # no B-frames: exact duration
    run_ffmpeg([*lavfi, *codec, str(src)], what="generating a VFR video")
    track = BlurTrack(1.3, 1.5, (BoxAt(1.3, 0.1, 0.1, 0.6, 0.6),))  # only frame 29 is shown then

    out, report = render(src, CensorPlan(blur=(track,)))

    source, output = decoded_frames(src), decoded_frames(out)
    assert list(output) == list(source) and report.full_reencode
    assert_blurred(source[1.16], output[1.16], (0.1, 0.1, 0.6, 0.6))
    assert psnr(source[1.12], output[1.12]) > PASSED_THROUGH_PSNR
    assert psnr(source[1.84], output[1.84]) > PASSED_THROUGH_PSNR
    assert_browser_playable(out, src, audio=False)  # B-frames after a pause must not cut the end off


# --- the picture rendered ahead -------------------------------------------------------------------


def stream_packets(path: Path, kind: str) -> list[tuple[int | None, int | None, str]]:
    """Every packet of the first stream of a kind ("video", "audio"): timestamps and a hash of its bytes."""
    with av.open(str(path)) as container:
        streams = getattr(container.streams, kind)
        if not streams:
            return []
        return [
            (packet.pts, packet.dts, hashlib.sha256(bytes(packet)).hexdigest())
            for packet in container.demux(streams[0])
            if packet.size
        ]


@pytest.mark.parametrize(
    "codec_args, full_reencode",
    [(WITH_B_FRAMES, False), (("-c:v", "mpeg4", "-q:v", "3"), True)],
    ids=["spliced", "reencoded"],
)
def test_a_picture_rendered_ahead_then_censored_in_sound_equals_the_single_pass(
    tmp_path, codec_args, full_reencode
):
    src = make_video(tmp_path / "source.mp4", duration=8, codec_args=codec_args)
    plan = CensorPlan(blur=(TRACK,), audio=(AudioCensor(2.0, 3.0, "mute"), AudioCensor(5.0, 6.5, "bleep")))
    one_pass = tmp_path / "one-pass.mp4"
    single = render_censored(src, one_pass, media_info(src), plan)

    picture = tmp_path / "picture.mp4"
    ahead = render_picture(src, picture, media_info(src), plan.blur)
    out = tmp_path / "over-the-picture.mp4"
    over = render_censored(src, out, media_info(src), plan, picture=picture)

    assert stream_packets(picture, "audio") == [] and not ahead.audio_reencoded  # the picture has no sound
    assert (ahead.full_reencode, ahead.reencoded_seconds) == (single.full_reencode, single.reencoded_seconds)
    assert ahead.full_reencode is full_reencode
    assert over.reencoded_seconds == 0.0 and over.audio_reencoded  # its video copied, its sound censored
    for kind in ("video", "audio"):
        assert stream_packets(out, kind) == stream_packets(one_pass, kind), kind
    assert_browser_playable(out, src)


# --- audio ----------------------------------------------------------------------------------------


def test_it_mutes_and_bleeps_the_planned_spans(twelve_seconds):
    plan = CensorPlan(audio=(AudioCensor(2.0, 3.0, "mute"), AudioCensor(5.0, 6.5, "bleep")))

    out, report = render(twelve_seconds, plan)

    samples, rate = audio_samples(out)
    assert report.audio_reencoded and report.reencoded_seconds == 0.0  # the video is copied
    assert audio_seconds(out) == pytest.approx(audio_seconds(twelve_seconds), abs=1e-3)
    assert rms(samples[int(2.01 * rate) : int(2.99 * rate)]) < 1e-3
    assert dominant_hz(samples[int(5.01 * rate) : int(6.49 * rate)], rate) == pytest.approx(1000, abs=2)
    for start, end in ((0.2, 1.95), (3.05, 4.95), (6.55, 11.5)):
        chunk = samples[int(start * rate) : int(end * rate)]
        assert dominant_hz(chunk, rate) == pytest.approx(440, abs=2)
        assert rms(chunk) > 0.05
    assert_browser_playable(out, twelve_seconds)


def test_censored_audio_is_encoded_in_a_thread_of_its_own_which_stops_when_the_video_fails():
    made_in, closed = [], threading.Event()

    def encoded() -> Iterator[int]:
        try:
            for number in range(100_000):
                made_in.append(threading.current_thread().name)
                yield number
        finally:
            closed.set()

    censored = AudioOutput(cast(Any, None), cast(Any, encoded()), reencoded=True)
    with pytest.raises(RuntimeError, match="the video failed"), encoded_ahead(censored) as ahead:
        assert ahead is not None and [next(ahead.packets) for _ in range(3)] == [0, 1, 2]
        raise RuntimeError("the video failed")

    assert set(made_in) == {AUDIO_THREAD}
    assert closed.is_set(), "the audio was still being encoded as the output closed"
    assert not any(thread.name == AUDIO_THREAD for thread in threading.enumerate())
    copied = AudioOutput(cast(Any, None), iter([]), reencoded=False)
    with encoded_ahead(copied) as ahead:
        assert ahead is copied  # packets copied from the source need no thread


def test_it_censors_exactly_the_samples_of_a_span_across_frame_boundaries():
    rate, plan = 48_000, (AudioCensor(0.01, 0.02, "mute"), AudioCensor(0.03, 0.05, "bleep"))
    whole = np.ones((2, 4_800), dtype=np.float32)
    for first in range(0, 4_800, 1_024):  # the way decoded frames arrive
        censor_samples(whole[:, first : first + 1_024], first, rate, plan)

    silent = np.flatnonzero(whole[0] == 0)
    assert (silent[0], silent[-1], len(silent)) == (480, 959, 480)
    index = np.arange(1_440, 2_400)
    assert np.allclose(
        whole[1, 1_440:2_400], BLEEP_AMPLITUDE * np.sin(2 * np.pi * 1_000 * index / rate), atol=1e-6
    )
    assert np.all(whole[:, :480] == 1) and np.all(whole[:, 960:1_440] == 1) and np.all(whole[:, 2_400:] == 1)


def test_it_writes_no_audio_for_a_silent_source(tmp_path):
    src = make_video(tmp_path / "silent.mp4", duration=2, audio=False, codec_args=X264)

    out, report = render(src, CensorPlan(audio=(AudioCensor(0.5, 1.0, "bleep"),)))

    assert report.audio_reencoded is False
    assert_browser_playable(out, src, audio=False)


def test_it_takes_the_default_audio_stream(tmp_path):
    src = tmp_path / "two-tracks.mp4"
    lavfi = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2"]
    for hz in (440, 660):
        lavfi += ["-f", "lavfi", "-i", f"sine=frequency={hz}:sample_rate=48000:duration=2"]
    run_ffmpeg(
        [
            *lavfi,
            "-map",
            "0",
            "-map",
            "1",
            "-map",
            "2",
            *X264,
            "-c:a",
            "aac",
            "-disposition:a:0",
            "0",
            "-disposition:a:1",
            "default",
            str(src),
        ],
        what="two tracks",
    )

    out, _ = render(src, CensorPlan(audio=(AudioCensor(0.5, 1.0, "mute"),)))

    samples, rate = audio_samples(out)
    with av.open(str(out)) as container:
        assert len(container.streams.audio) == 1
    assert dominant_hz(samples[int(1.1 * rate) : int(1.9 * rate)], rate) == pytest.approx(660, abs=2)


# --- progress and errors --------------------------------------------------------------------------


def test_it_reports_progress_up_to_completion(twelve_seconds):
    reported = []
    started = time.monotonic()

    render(twelve_seconds, CensorPlan(blur=(TRACK,)), reported.append)

    assert reported[-1] == 1.0 and reported == sorted(reported)
    assert len(reported) <= 2 + (time.monotonic() - started) * 4


def test_it_raises_a_media_processing_error_and_leaves_no_output_for_a_broken_file(tmp_path):
    whole = make_video(tmp_path / "whole.mp4", duration=2, codec_args=X264)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])  # moov is at the end: cut off
    out = tmp_path / "out.mp4"

    with pytest.raises(MediaProcessingError, match=r"rendering broken\.mp4 failed"):
        render_censored(broken, out, MediaInfo("mp4", 1, 2.0, True, True), CensorPlan())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.mp4", "whole.mp4"]
