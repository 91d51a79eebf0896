"""The censored render: blur the plan's boxes, bleep or mute its words, re-encode only what changes.

Video takes one of three routes (video.choose_route): copied packet for packet when nothing is
blurred; spliced when the source is 8-bit 4:2:0 H.264 in closed GOPs without rotation, where only the GOPs
showing a blurred frame are decoded, blurred and re-encoded and every other packet is copied byte for byte;
or re-encoded in full otherwise. Audio is copied when it is AAC and nothing is censored, else decoded,
censored to the sample and encoded as AAC, in a thread of its own beside the video. Both go through PyAV into
one MP4 with +faststart, in a single pass over the source: source timestamps are kept (VFR stays VFR), so
frame count and duration match.

The picture can also be rendered ahead, before the words to censor are known: `render_picture` writes the
blurred video alone, and `render_censored(..., picture=...)` then copies its packets and censors the audio of
the source, for the same output as one pass.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av

from media_jobs.media.read_ahead import read_ahead
from media_jobs.media.render.audio import AudioOutput, main_audio_index, open_audio_output
from media_jobs.media.render.blur import BlurSchedule
from media_jobs.media.render.video import (
    COPY_COST,
    SourceVideo,
    VideoRoute,
    blur_boxes,
    choose_route,
    index_video,
)
from media_jobs.media.render.video_output import VideoOutput, open_video_output
from media_jobs.media.types import BlurTrack, CensorPlan, MediaInfo, MediaProcessingError

PROGRESS_INTERVAL = 0.25  # seconds between on_progress calls
# An AAC packet holds 1024 samples: about 11 s of 48 kHz audio encoded ahead of the video at most.
AUDIO_PACKETS_AHEAD = 512
AUDIO_THREAD = "render-audio"


@dataclass(frozen=True)
class RenderReport:
    """What a censored render did to the video (seconds of it re-encoded or copied) and to the audio."""

    reencoded_seconds: float
    copied_seconds: float
    full_reencode: bool
    reason: str  # why the whole video was re-encoded; "" when it was not
    audio_reencoded: bool


class ProgressMeter:
    """Turns units of work done into on_progress(fraction) calls, a few per second at most."""

    def __init__(self, on_progress: Callable[[float], None] | None, total: float) -> None:
        self.on_progress, self.total = on_progress, max(total, 1e-9)
        self.done = 0.0
        self.reported_at = time.monotonic()

    def advance(self, units: float) -> None:
        """Count work done; report when the last report is old enough."""
        self.done += units
        if self.on_progress is not None and time.monotonic() - self.reported_at >= PROGRESS_INTERVAL:
            self.reported_at = time.monotonic()
            self.on_progress(min(self.done / self.total, 0.99))  # 1.0 only once the file is complete

    def finish(self) -> None:
        """Report completion."""
        if self.on_progress is not None:
            self.on_progress(1.0)


def render_censored(
    src: Path,
    out: Path,
    info: MediaInfo,
    plan: CensorPlan,
    on_progress: Callable[[float], None] | None = None,
    picture: Path | None = None,
) -> RenderReport:
    """Write `out`: `src` censored by `plan`, re-encoding as little as the source allows. With `picture` (what
    render_picture made of `src` with the plan's blur), its video is copied and only the audio is censored."""
    video_from, blur = (picture, ()) if picture is not None else (src, plan.blur)
    return _render_to(out, _Pass(video_from, src, info, replace(plan, blur=blur)), on_progress)


def render_picture(
    src: Path,
    out: Path,
    info: MediaInfo,
    blur: tuple[BlurTrack, ...],
    on_progress: Callable[[float], None] | None = None,
) -> RenderReport:
    """Write `out`: the video of `src` with `blur` applied, and no audio (see render_censored's `picture`)."""
    return _render_to(out, _Pass(src, None, info, CensorPlan(blur=blur)), on_progress)


@dataclass(frozen=True)
class _Pass:
    """One pass of the renderer: where the video and the audio come from, and what it censors."""

    video_from: Path
    audio_from: Path | None  # None: no audio track
    info: MediaInfo
    plan: CensorPlan


def _render_to(out: Path, work: _Pass, on_progress: Callable[[float], None] | None) -> RenderReport:
    partial = out.with_name(f".{out.name}.part")
    try:
        report = _render(work, partial, on_progress)
        partial.replace(out)  # a crash never leaves a half-written output behind
    except av.error.FFmpegError as error:
        raise MediaProcessingError(f"rendering {work.video_from.name} failed", str(error)) from error
    finally:
        partial.unlink(missing_ok=True)
    return report


def _render(work: _Pass, partial: Path, on_progress: Callable[[float], None] | None) -> RenderReport:
    src, audio_from, info, plan = work.video_from, work.audio_from, work.info, work.plan
    source = index_video(src) if info.has_video else None
    boxes = blur_boxes(source, BlurSchedule(plan.blur)) if source else {}
    route = choose_route(source, boxes) if source else VideoRoute("copy")
    meter = ProgressMeter(on_progress, _work(source, route) if source else 0.0)
    audio_index = main_audio_index(audio_from) if audio_from and info.has_audio else None
    origin = source.origin if source else 0.0
    with av.open(str(partial), "w", format="mp4", options={"movflags": "+faststart"}) as output:
        video = open_video_output(src, source, route, boxes, output, meter.advance) if source else None
        audio = (
            open_audio_output(audio_from, audio_index, plan.audio, origin, output)
            if audio_from and audio_index is not None
            else None
        )
        # Both encoders open and the header written here, before the audio is encoded in a thread of its own.
        output.start_encoding()
        with encoded_ahead(audio) as ahead:
            _mux(output, video, ahead)
    meter.finish()
    return _report(source, route, audio)


@contextmanager
def encoded_ahead(audio: AudioOutput | None) -> Iterator[AudioOutput | None]:
    """A censored audio track decoded, censored and encoded in a thread of its own, beside the video; the
    thread is stopped before the output closes, even when the video fails."""
    if audio is None or not audio.reencoded:
        yield audio
        return
    packets = read_ahead(audio.packets, AUDIO_PACKETS_AHEAD, name=AUDIO_THREAD)
    try:
        yield replace(audio, packets=packets)
    finally:
        packets.close()


def _work(source: SourceVideo, route: VideoRoute) -> float:
    reencoded = sum(len(run) for run in route.reencoded(source))
    return reencoded + COPY_COST * (len(source.samples) - reencoded)


def _mux(output: av.container.OutputContainer, video: VideoOutput | None, audio: AudioOutput | None) -> None:
    """Interleave both streams' packets by decode time, as the MP4 muxer expects."""
    streams = [stream.packets for stream in (video, audio) if stream is not None]
    for packet in heapq.merge(*streams, key=_decode_time):
        output.mux(packet)


def _decode_time(packet: av.Packet) -> Fraction:
    return (packet.dts if packet.dts is not None else packet.pts or 0) * packet.time_base


def _report(source: SourceVideo | None, route: VideoRoute, audio: AudioOutput | None) -> RenderReport:
    reencoded = sum((source.seconds(run) for run in route.reencoded(source)), 0.0) if source else 0.0
    total = source.seconds(range(len(source.samples))) if source else 0.0
    return RenderReport(
        reencoded_seconds=reencoded,
        copied_seconds=total - reencoded,
        full_reencode=route.mode == "reencode",
        reason=route.reason,
        audio_reencoded=audio is not None and audio.reencoded,
    )
