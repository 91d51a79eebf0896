"""Probe an upload with PyAV: what it holds, and whether we can play it at all and within a plan's limits."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import av
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from media_jobs.media.types import MediaInfo, UnplayableMedia

# Beyond these a header is lying or the file is a decompression bomb; no plan allows them.
BELIEVABLE_DURATION = 24 * 3600.0
BELIEVABLE_SIDE = 8192
BELIEVABLE_PIXELS = 40_000_000
# Packets read for the first picture: covers decoder delay (B-frames, frame threads) and a damaged
# first GOP, while a stream that never decodes is refused quickly.
FIRST_FRAME_PACKETS = 120
MP4_SIGNATURE = b"ftyp"
INCOMPLETE = "The file is incomplete or damaged; the upload may have been cut off. Please upload it again."


@dataclass(frozen=True)
class MediaLimits:
    """What a plan accepts for one upload."""

    max_bytes: int
    max_duration: float  # seconds
    max_side: int  # pixels, the longer displayed side


def probe_media(path: Path) -> MediaInfo:
    """Describe the upload's container and streams, or raise UnplayableMedia saying why it cannot play."""
    size_bytes = path.stat().st_size
    if size_bytes == 0:
        raise UnplayableMedia("The file is empty.")
    with _open_media(path) as container:
        video = _main_video_stream(container)
        _check_complete(video, size_bytes)
        coded = _describe(container, video, size_bytes)
        _check_believable(coded)
        rotation = _display_rotation(_first_picture(container, video))
    width, height = (coded.height, coded.width) if rotation % 180 else (coded.width, coded.height)
    return replace(coded, rotation=rotation, width=width, height=height)


def probe_audio(path: Path, max_seconds: float) -> float:
    """The duration of an audio file (music, narration), or UnplayableMedia saying why it will not do."""
    if path.stat().st_size == 0:
        raise UnplayableMedia("The file is empty.")
    with _open_media(path, "an audio file") as container:
        streams = list(container.streams.audio)
        if not streams:
            raise UnplayableMedia("This file has no audio track: upload audio as MP3, AAC, WAV or similar.")
        stream = streams[0]
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration and stream.time_base
            else (container.duration or 0) / av.time_base
        )
        try:
            next(container.decode(stream))  # a header alone is not music
        except (av.error.FFmpegError, StopIteration):
            raise UnplayableMedia("The audio in this file cannot be decoded.") from None
    if not 0 < duration <= max_seconds:
        raise UnplayableMedia(
            f"The audio is {format_duration(duration)} long; it must be under {format_duration(max_seconds)}."
        )
    return duration


def check_media(path: Path, limits: MediaLimits) -> MediaInfo:
    """Probe the upload, then refuse it when it exceeds the plan's size, duration or picture-size limit."""
    info = probe_media(path)
    if info.size_bytes > limits.max_bytes:
        raise UnplayableMedia(
            f"The file is {format_bytes(info.size_bytes)}; your limit is {format_bytes(limits.max_bytes)}."
        )
    if info.duration > limits.max_duration:
        raise UnplayableMedia(
            f"The video is {format_duration(info.duration)} long; "
            f"your limit is {format_duration(limits.max_duration)}."
        )
    if max(info.width, info.height) > limits.max_side:
        raise UnplayableMedia(
            f"The video is {info.width} x {info.height} pixels; "
            f"your limit is {limits.max_side} pixels on the longer side."
        )
    return info


def format_duration(seconds: float) -> str:
    """'2 h 5 min', '3 min 20 s', '40 s': rounded up, so a file just over a limit never reads as equal."""
    if seconds >= 3600:
        hours, minutes = divmod(math.ceil(seconds / 60), 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    whole = math.ceil(seconds)
    if whole >= 60:
        minutes, rest = divmod(whole, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    return f"{whole} s"


def format_bytes(size: int) -> str:
    """'1.5 GB', '300 MB', '12 KB' in binary units (1 KB = 1024 bytes), rounded up to one decimal."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{math.ceil(size * 10 / scale) / 10:g} {unit}"
    return f"{size} bytes"


@contextmanager
def _open_media(path: Path, kind: str = "a video") -> Iterator[InputContainer]:
    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError:
        raise UnplayableMedia(_unreadable_reason(path, kind)) from None
    try:
        yield container
    finally:
        container.close()


def _unreadable_reason(path: Path, kind: str) -> str:
    with path.open("rb") as file:
        head = file.read(12)
    # An MP4/MOV that FFmpeg cannot open is nearly always one whose index (at the end) never arrived.
    if head[4:8] == MP4_SIGNATURE:
        return INCOMPLETE
    return f"The file is not {kind} we can read."


def _main_video_stream(container: InputContainer) -> VideoStream:
    # FFmpeg reads a lone PNG or JPEG (renamed .mp4) through its image demuxers, as one frame.
    if container.format.name == "image2" or container.format.name.endswith("_pipe"):
        raise UnplayableMedia("The file is a still picture, not a video.")
    # Cover art in an MP3 or M4A shows up as a one-picture video stream: it is not a video track.
    videos = [s for s in container.streams.video if not s.disposition & Disposition.attached_pic]
    if not videos:
        raise UnplayableMedia("The file has no video track.")
    if videos[0].codec_context is None:
        raise UnplayableMedia("The video is in a format we cannot play.")
    return videos[0]


def _check_complete(video: VideoStream, size_bytes: int) -> None:
    # Containers with an up-front index (MP4 with faststart) say where every frame lies: a frame
    # that lies past the end of the file means the upload was cut off.
    entries = video.index_entries
    if entries is not None and len(entries) and max(e.pos + e.size for e in entries) > size_bytes:
        raise UnplayableMedia(INCOMPLETE)


def _describe(container: InputContainer, video: VideoStream, size_bytes: int) -> MediaInfo:
    duration = _duration(container, video)
    fps = float(video.average_rate or video.guessed_rate or 0)
    audio = _main_audio_stream(container)
    return MediaInfo(
        format_name=container.format.name,
        size_bytes=size_bytes,
        duration=duration,
        has_video=True,
        has_audio=audio is not None,
        width=video.codec_context.width,
        height=video.codec_context.height,
        fps=fps,
        video_codec=video.codec_context.codec.canonical_name,
        pixel_format=video.codec_context.pix_fmt or "",
        audio_codec=audio.codec_context.codec.canonical_name if audio and audio.codec_context else "",
        audio_streams=len(container.streams.audio),
        frame_count=video.frames or round(duration * fps),
    )


def _duration(container: InputContainer, video: VideoStream) -> float:
    if container.duration is not None:
        return container.duration / av.time_base
    if video.duration is not None and video.time_base is not None:
        return float(video.duration * video.time_base)
    return 0.0


def _main_audio_stream(container: InputContainer) -> AudioStream | None:
    """The audio stream marked default, else the first one; None when there is none."""
    streams = list(container.streams.audio)
    defaults = [s for s in streams if s.disposition & Disposition.default]
    return next(iter(defaults or streams), None)


def _check_believable(info: MediaInfo) -> None:
    if info.width <= 0 or info.height <= 0:
        raise UnplayableMedia("The video track has no picture size; the file may be damaged.")
    if max(info.width, info.height) > BELIEVABLE_SIDE or info.width * info.height > BELIEVABLE_PIXELS:
        raise UnplayableMedia(
            f"The file says its picture is {info.width} x {info.height} pixels, more than we can play "
            f"(at most {BELIEVABLE_SIDE} pixels a side and {BELIEVABLE_PIXELS // 1_000_000} megapixels)."
        )
    if info.duration > BELIEVABLE_DURATION:
        raise UnplayableMedia(
            f"The file says it is {format_duration(info.duration)} long, more than we can play "
            f"(at most {format_duration(BELIEVABLE_DURATION)}); it may be damaged."
        )


def _first_picture(container: InputContainer, video: VideoStream) -> VideoFrame:
    """The first frame that decodes, looking no further than FIRST_FRAME_PACKETS packets."""
    for number, packet in enumerate(container.demux(video)):
        if number >= FIRST_FRAME_PACKETS:
            break
        try:
            frames = video.decode(packet)  # a flush packet at the end drains delayed frames
        except av.error.FFmpegError:
            continue
        if frames:
            return frames[0]
    raise UnplayableMedia("The video track cannot be decoded; the file may be damaged.")


def _display_rotation(frame: VideoFrame) -> int:
    """Degrees, counterclockwise as in the display matrix, that a player turns the coded picture."""
    # A bare `rotate` tag (as Matroska may carry) is ignored on purpose: players and ffmpeg itself
    # ignore it, and the renderer must see the same picture we do.
    return round(frame.rotation / 90) % 4 * 90
