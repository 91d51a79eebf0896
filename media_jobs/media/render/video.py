"""The video half of a censored render: what the source is made of, and which route gets it to the output."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Literal

import av
from av.container import InputContainer
from av.stream import Disposition
from av.video.stream import VideoStream

from media_jobs.media.render.blur import BlurSchedule, Box
from media_jobs.media.render.h264 import (
    AvcConfig,
    free_parameter_set_id,
    has_idr,
    length_prefixed_nals,
    parameter_set_ids,
    parse_avcc,
)
from media_jobs.media.types import UnplayableMedia

X264_PROFILES = {66: "baseline", 77: "main", 100: "high"}  # profile_idc values a splice can match
COPY_COST = 0.02  # progress weight of a copied packet, against 1 for a re-encoded frame


@dataclass(frozen=True)
class VideoSample:
    """One packet of the source video, in decode order. Times are in the stream's time base."""

    pts: int
    dts: int  # the pts when the container gave none (SourceVideo.has_dts says so)
    duration: int
    idr: bool


@dataclass(frozen=True)
class SourceVideo:
    """The source's video stream as a render needs it: codec facts and every packet's timing."""

    stream_index: int
    codec: str
    pix_fmt: str
    width: int  # coded, before rotation
    height: int
    rotation: int  # degrees counter-clockwise the player turns the picture, 0..359
    frame_rate: Fraction
    sample_aspect_ratio: Fraction | None
    time_base: Fraction
    origin: float  # container start in seconds: plan times count from here
    colour: tuple[int, int, int, int]  # range, primaries, transfer, matrix: AVCOL_* codes for the encoder
    avcc: AvcConfig | None
    extradata: bytes
    has_dts: bool
    splice_parameter_set_id: int | None  # an SPS/PPS id that neither the avcC record nor the stream uses
    samples: tuple[VideoSample, ...]
    shown: tuple[int, int]  # first pts, and when the last frame stops showing
    intervals: dict[int, tuple[float, float]]  # pts -> display interval in plan seconds

    def seconds(self, indices: range) -> float:
        """Display time of the frames of some samples."""
        spans = (self.intervals[self.samples[index].pts] for index in indices)
        return sum((end - start for start, end in spans), 0.0)


@dataclass(frozen=True)
class VideoRoute:
    """How the video reaches the output: copied whole, spliced (runs of GOPs re-encoded), or re-encoded."""

    mode: Literal["copy", "splice", "reencode"]
    runs: tuple[range, ...] = ()  # sample indices re-encoded by a splice, each a run of whole GOPs
    reason: str = ""  # why a full re-encode

    def reencoded(self, source: SourceVideo) -> tuple[range, ...]:
        """Sample indices the route re-encodes."""
        return (range(len(source.samples)),) if self.mode == "reencode" else self.runs


def video_stream(container: InputContainer) -> VideoStream:
    """The first real video stream (cover art is not one)."""
    for stream in container.streams.video:
        if not stream.disposition & Disposition.attached_pic:
            return stream
    raise UnplayableMedia("the source has no video stream")


def index_video(path: Path) -> SourceVideo:
    """Read the header of every video packet (no decoding beyond one frame, for the display rotation)."""
    with av.open(str(path)) as container:
        stream = video_stream(container)
        context = stream.codec_context
        avcc = _avcc(context.extradata) if context.name == "h264" else None
        scan = PacketScan(avcc)
        for packet in container.demux(stream):
            if packet.size:
                scan.add(packet)
        samples = tuple(scan.samples)
        if not samples:
            raise UnplayableMedia("the source's video stream has no frames")
        frame_rate = stream.average_rate or stream.guessed_rate or Fraction(25)
        time_base = stream.time_base or Fraction(1, 90_000)
        origin = (container.start_time or 0) / av.time_base
        return SourceVideo(
            stream_index=stream.index,
            codec=context.name,
            pix_fmt=context.pix_fmt or "",
            width=context.width,
            height=context.height,
            rotation=_display_rotation(path, stream.index),
            frame_rate=frame_rate,
            sample_aspect_ratio=context.sample_aspect_ratio,
            time_base=time_base,
            origin=origin,
            colour=(context.color_range, context.color_primaries, context.color_trc, context.colorspace),
            avcc=avcc,
            extradata=context.extradata or b"",
            has_dts=scan.has_dts,
            splice_parameter_set_id=free_parameter_set_id(scan.parameter_set_ids),
            samples=samples,
            shown=(min(sample.pts for sample in samples), _end_pts(samples, frame_rate, time_base)),
            intervals=_display_intervals(
                samples, _end_pts(samples, frame_rate, time_base), time_base, origin
            ),
        )


def _avcc(extradata: bytes | None) -> AvcConfig | None:
    try:
        return parse_avcc(extradata or b"")
    except ValueError:
        return None  # Annex B (MPEG-TS) H.264: it can still be re-encoded, not copied


class PacketScan:
    """Every video packet's timing (never its data: the whole video would sit in memory) and H.264 facts."""

    def __init__(self, avcc: AvcConfig | None) -> None:
        self.avcc = avcc
        self.samples: list[VideoSample] = []
        self.has_dts = True
        self.parameter_set_ids = set() if avcc is None else parameter_set_ids((*avcc.sps, *avcc.pps))

    def add(self, packet: av.Packet) -> None:
        """Note one packet, looking inside keyframes for IDR pictures and in-band SPS/PPS."""
        if packet.pts is None:
            raise UnplayableMedia("a video packet of the source has no timestamp")
        idr = False
        if packet.is_keyframe and self.avcc is not None:
            nals = list(length_prefixed_nals(bytes(packet), self.avcc.length_size))
            idr = has_idr(nals)
            self.parameter_set_ids |= parameter_set_ids(nals)
        self.has_dts = self.has_dts and packet.dts is not None
        dts = packet.pts if packet.dts is None else packet.dts
        self.samples.append(VideoSample(packet.pts, dts, packet.duration or 0, idr))


def _display_rotation(path: Path, stream_index: int) -> int:
    """The display matrix's rotation, read from a decoded frame as players read it."""
    with av.open(str(path)) as container:
        frame = next(container.decode(container.streams[stream_index]), None)
        return round(frame.rotation / 90) * 90 % 360 if isinstance(frame, av.VideoFrame) else 0


def _end_pts(samples: tuple[VideoSample, ...], frame_rate: Fraction, time_base: Fraction) -> int:
    """When the last frame stops showing: its pts plus its duration (one frame's worth when unknown)."""
    last = max(samples, key=lambda sample: sample.pts)
    return last.pts + (last.duration or round(1 / (frame_rate * time_base)))


def _display_intervals(
    samples: tuple[VideoSample, ...], end_pts: int, time_base: Fraction, origin: float
) -> dict[int, tuple[float, float]]:
    """pts -> [start, end) in seconds from the container start; a frame lasts until the next one shows."""
    ordered = sorted(sample.pts for sample in samples)
    ends = [*ordered[1:], end_pts]
    return {
        pts: (float(pts * time_base) - origin, float(end * time_base) - origin)
        for pts, end in zip(ordered, ends, strict=True)
    }


def blur_boxes(source: SourceVideo, schedule: BlurSchedule) -> dict[int, list[Box]]:
    """pts -> boxes to blur, for every frame that shows during a blur span."""
    frame_boxes = {pts: schedule.boxes(start, end) for pts, (start, end) in source.intervals.items()}
    return {pts: boxes for pts, boxes in frame_boxes.items() if boxes}


def choose_route(source: SourceVideo, boxes: dict[int, list[Box]]) -> VideoRoute:
    """Copy when nothing is blurred, splice when the source allows it, else re-encode everything."""
    obstacle = copy_obstacle(source)
    if not boxes and not obstacle:
        return VideoRoute("copy")
    obstacle = obstacle or splice_obstacle(source)
    if obstacle:
        return VideoRoute("reencode", reason=obstacle)
    runs = reencode_runs(source, boxes)
    if runs == [range(len(source.samples))]:
        return VideoRoute("reencode", reason="the blur spans touch every GOP")
    return VideoRoute("splice", runs=tuple(runs))


def copy_obstacle(source: SourceVideo) -> str:
    """Why the source's video cannot go into a browser-playable MP4 as it is ("" when it can)."""
    if source.codec != "h264":
        return f"the source video is {source.codec}, not H.264"
    if source.pix_fmt != "yuv420p":
        return f"the source pixels are {source.pix_fmt}, not 8-bit 4:2:0 (yuv420p)"
    if source.width % 2 or source.height % 2:
        return f"the source is {source.width}x{source.height}: odd dimensions"
    if source.avcc is None or not source.has_dts:
        return "the source's H.264 is not stored MP4-style (no avcC record or no decode timestamps)"
    return ""


def splice_obstacle(source: SourceVideo) -> str:
    """Why re-encoded GOPs cannot be spliced between copied ones ("" when they can)."""
    assert source.avcc is not None  # copy_obstacle() rules that out first
    if source.rotation:
        return f"the source is rotated by {source.rotation} degrees"
    if source.avcc.length_size != 4 or source.avcc.profile[0] not in X264_PROFILES:
        return "the source's H.264 profile or NAL length size cannot be matched by x264"
    if source.splice_parameter_set_id is None:
        return "the source uses every SPS/PPS id"
    if not _closed_gops(source.samples):
        return "the source's GOPs are open (or it does not start with an IDR frame)"
    return ""


def gop_starts(samples: tuple[VideoSample, ...]) -> list[int]:
    """Sample indices where a GOP starts (IDR frames), then the end."""
    return [index for index, sample in enumerate(samples) if sample.idr] + [len(samples)]


def _closed_gops(samples: tuple[VideoSample, ...]) -> bool:
    """Every GOP starts with an IDR and shows exactly the frames between its IDR and the next one."""
    starts = gop_starts(samples)
    if not samples or starts[0] != 0:
        return False
    for start, stop in pairwise(starts):
        shown = [sample.pts for sample in samples[start:stop]]
        if min(shown) != samples[start].pts or (stop < len(samples) and max(shown) >= samples[stop].pts):
            return False
    return True


def reencode_runs(source: SourceVideo, boxes: dict[int, list[Box]]) -> list[range]:
    """Runs of consecutive GOPs that show a blurred frame."""
    starts = gop_starts(source.samples)
    runs: list[range] = []
    for start, stop in pairwise(starts):
        if not any(source.samples[index].pts in boxes for index in range(start, stop)):
            continue
        if runs and runs[-1].stop == start:
            runs[-1] = range(runs[-1].start, stop)
        else:
            runs.append(range(start, stop))
    return runs
