"""Rendering one clip: a span of the source, censored, reframed around the active face, captioned,
loudness-normalised, as a browser- and platform-ready H.264/AAC MP4.

Two processes share the work, which keeps both cores busy: this one decodes, censors and crops
(video_pipe), and an ffmpeg process scales the cropped frames to the output size, burns the captions with
libass, encodes with x264 and muxes the censored, normalised audio (clip_audio). Encoding 1080x1920 is
most of the cost, hence encoder.CLIP_X264_PRESET (ultrafast) at CRF 26. Measured on 30 s of a 1280x720
30 fps source on the 2-core machine (while other work shared it): the clip, face-following crop and
captions, took 9.5-11.4 s where a plain veryfast re-encode of the same 30 s took 7.8-8.8 s in the same
runs (superfast 13 s); without captions 8.5-9.7 s. Decoding and cropping here cost 0.5 s of those 30;
cropping in ffmpeg instead (`sendcmd` driving `crop`) measured the same within noise. The output is
written under a temporary name and renamed only once complete.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from clips.media.captions import write_captions
from clips.media.clip_audio import ClipAudio, prepare_audio
from clips.media.encoder import ClipEncoder
from clips.media.framing import CropPath, crop_path, output_times
from clips.media.types import ClipSpec
from clips.media.video_pipe import pump_frames
from media_jobs.media.ffmpeg import run_ffmpeg
from media_jobs.media.render.blur import BlurSchedule
from media_jobs.media.render.censored import ProgressMeter
from media_jobs.media.types import MediaInfo, MediaProcessingError


@dataclass(frozen=True)
class ClipReport:
    """What a clip render did (JSON-ready: it is stored with the rendition)."""

    duration: float  # seconds of output video
    frames: int
    width: int
    height: int
    crop_width: int  # the window cut from the source, in source pixels
    crop_height: int
    face_frames: int  # frames whose followed face lies fully inside the window
    tracked_frames: int  # frames with a face to follow
    face_coverage: float  # face_frames / tracked_frames (1.0 when no face was followed)
    fallback: bool  # no face anywhere: a centred window
    blurred_frames: int
    has_source_audio: bool  # False: the clip carries a silent track
    loudness_gain: str  # the audio filter that normalised the loudness ("anull": none)
    seconds: float  # wall time of the render


def render_clip(
    src: Path, info: MediaInfo, spec: ClipSpec, out: Path, on_progress: Callable[[float], None] | None = None
) -> ClipReport:
    """Write `out`: the clip `spec` describes, cut from `src`."""
    _check(info, spec)
    partial = out.with_name(f".{out.name}.part")
    began = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="clip-") as scratch:
            report = _render(src, info, spec, partial, Path(scratch), on_progress)
        partial.replace(out)  # a failed render never leaves a half-written clip under the real name
    except av.error.FFmpegError as error:
        raise MediaProcessingError(f"rendering a clip of {src.name} failed", str(error)) from error
    finally:
        partial.unlink(missing_ok=True)
    return ClipReport(**{**report.__dict__, "seconds": round(time.monotonic() - began, 3)})


def _check(info: MediaInfo, spec: ClipSpec) -> None:
    if not info.has_video or info.width < 2 or info.height < 2 or info.fps <= 0:
        raise MediaProcessingError("the source has no playable video to cut a clip from")
    if spec.duration <= 0 or spec.start < 0:
        raise MediaProcessingError(f"the clip span [{spec.start}, {spec.end}] is empty")
    if spec.width % 2 or spec.height % 2:
        raise MediaProcessingError(f"the clip size {spec.width}x{spec.height} is odd (yuv420p needs even)")


def _render(
    src: Path,
    info: MediaInfo,
    spec: ClipSpec,
    partial: Path,
    scratch: Path,
    on_progress: Callable[[float], None] | None,
) -> ClipReport:
    fps = Fraction(info.fps).limit_denominator(1001)
    crop = crop_path(spec, info.width, info.height, float(fps))
    audio = prepare_audio(src, spec, scratch) if info.has_audio else None
    captions = write_captions(spec, scratch / "captions.ass") if spec.words else None
    encoder = ClipEncoder(partial, spec, crop, fps, audio, captions, scratch)
    meter = ProgressMeter(on_progress, crop.frames)
    with encoder.running() as sink:
        blurred = pump_frames(
            src,
            output_times(spec, float(fps)),
            crop,
            BlurSchedule(spec.blur),
            info.rotation,
            sink,
            meter.advance,
        )
    meter.finish()
    return _report(spec, crop, fps, blurred, audio)


def _report(
    spec: ClipSpec, crop: CropPath, fps: Fraction, blurred: int, audio: ClipAudio | None
) -> ClipReport:
    return ClipReport(
        duration=round(crop.frames / float(fps), 4),
        frames=crop.frames,
        width=spec.width,
        height=spec.height,
        crop_width=crop.width,
        crop_height=crop.height,
        face_frames=crop.face_frames,
        tracked_frames=crop.tracked_frames,
        face_coverage=round(crop.face_coverage, 4),
        fallback=crop.fallback,
        blurred_frames=blurred,
        has_source_audio=audio is not None,
        loudness_gain=audio.filter if audio else "anull",
        seconds=0.0,
    )


def extract_thumbnail(video: Path, at: float, out: Path) -> None:
    """Write `out`: the frame of `video` shown at `at` seconds, as a JPEG of the video's size."""
    partial = out.with_name(f".{out.name}.part")
    try:
        run_ffmpeg(
            [
                *("-ss", f"{max(at, 0.0):.3f}", "-i", str(video), "-frames:v", "1", "-q:v", "3"),
                *("-c:v", "mjpeg", "-f", "image2", str(partial)),
            ],
            what="extracting a thumbnail",
        )
        if not partial.exists() or partial.stat().st_size == 0:
            raise MediaProcessingError(f"no frame of {video.name} at {at:.2f} s for a thumbnail")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
