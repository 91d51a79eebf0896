"""Writing the video of a censored render: copied packets, spliced runs of re-encoded GOPs, or a re-encode."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from pathlib import Path
from typing import cast

import av
from av.codec.context import Flags
from av.container import OutputContainer
from av.filter import Graph
from av.stream import Stream
from av.video.codeccontext import VideoCodecContext
from av.video.frame import PictureType
from av.video.stream import VideoStream
from django.conf import settings

from media_jobs.media.read_ahead import read_ahead
from media_jobs.media.render.blur import Box, blur_frame
from media_jobs.media.render.h264 import (
    NAL_AUD,
    NAL_PPS,
    NAL_SPS,
    annexb_nals,
    build_avcc,
    nal_type,
    to_length_prefixed,
    with_parameter_sets,
)
from media_jobs.media.render.video import COPY_COST, X264_PROFILES, SourceVideo, VideoRoute
from media_jobs.media.types import MediaProcessingError

# Spliced GOPs sit between untouched ones: a low CRF keeps their quality near the source's. Their preset is
# the render's (RENDER_X264_PRESET): one minute of 720p30 spliced into five took 20.9 s at veryfast and
# 12.6 s at ultrafast on 2 cores (bench/RESULTS.md), for a file 50 % larger.
SPLICE_CRF = "18"
FULL_CRF = "20"
UPRIGHT_FILTERS: dict[int, tuple[tuple[str, str | None], ...]] = {
    90: (("transpose", "cclock"),),
    180: (("hflip", None), ("vflip", None)),
    270: (("transpose", "clock"),),
}
EVEN_CROP = "trunc(iw/2)*2:trunc(ih/2)*2:0:0"
Advance = Callable[[float], None]


@dataclass(frozen=True)
class VideoOutput:
    """The output's video stream and the packets to mux into it, in decode order."""

    stream: Stream
    packets: Iterator[av.Packet]


def open_video_output(
    path: Path,
    source: SourceVideo,
    route: VideoRoute,
    boxes: dict[int, list[Box]],
    output: OutputContainer,
    advance: Advance,
) -> VideoOutput:
    """Add the video stream to the output and prepare its packets along the route."""
    if route.mode == "reencode":
        stream = _reencode_stream(source, output)
        packets = _reencoded_packets(path, source, boxes, stream, advance)
        return VideoOutput(stream, _spanning_shown_time(packets, source.shown))
    with av.open(str(path)) as container:
        copy = output.add_stream_from_template(container.streams[source.stream_index])
    if route.mode == "copy":
        return VideoOutput(copy, _copied_packets(path, source, copy, advance))
    parameter_sets = splice_encoder(source).extradata or b""
    copy.codec_context.extradata = spliced_avcc(source, parameter_sets)
    return VideoOutput(copy, _spliced_packets(path, source, route, boxes, copy, advance, parameter_sets))


def _source_packets(path: Path, source: SourceVideo) -> Iterator[av.Packet]:
    with av.open(str(path)) as container:
        yield from (
            packet for packet in container.demux(container.streams[source.stream_index]) if packet.size
        )


def _copied_packets(path: Path, source: SourceVideo, stream: Stream, advance: Advance) -> Iterator[av.Packet]:
    for packet in _source_packets(path, source):
        packet.stream = stream
        advance(COPY_COST)
        yield packet


def splice_encoder(source: SourceVideo) -> VideoCodecContext:
    """An x264 encoder whose SPS/PPS can sit in the source's avcC record next to the source's own."""
    assert source.avcc is not None
    encoder = cast(VideoCodecContext, av.CodecContext.create("libx264", "w"))
    encoder.width, encoder.height, encoder.pix_fmt = source.width, source.height, "yuv420p"
    encoder.time_base, encoder.framerate = source.time_base, source.frame_rate
    encoder.color_range, encoder.color_primaries, encoder.color_trc, encoder.colorspace = source.colour
    if source.sample_aspect_ratio:
        encoder.sample_aspect_ratio = source.sample_aspect_ratio
    encoder.flags |= Flags.global_header  # parameter sets go to the avcC record, not in-band
    profile_idc, _, level_idc = source.avcc.profile
    # No B-frames: decode order equals display order, which the dts reuse in RunEncoder relies on.
    x264_params = f"sps-id={source.splice_parameter_set_id}:bframes=0:level={level_idc}"
    encoder.options = {
        "preset": settings.RENDER_X264_PRESET,
        "crf": SPLICE_CRF,
        "profile": X264_PROFILES[profile_idc],
        "x264-params": x264_params,
    }
    encoder.open()
    return encoder


def spliced_avcc(source: SourceVideo, parameter_sets: bytes) -> bytes:
    """The source's avcC record plus the splice encoder's SPS and PPS (under ids the source does not use)."""
    assert source.avcc is not None
    nals = annexb_nals(parameter_sets)
    sps = [nal for nal in nals if nal_type(nal) == NAL_SPS]
    pps = [nal for nal in nals if nal_type(nal) == NAL_PPS]
    return build_avcc(with_parameter_sets(source.avcc, sps, pps))


def _spliced_packets(
    path: Path,
    source: SourceVideo,
    route: VideoRoute,
    boxes: dict[int, list[Box]],
    stream: Stream,
    advance: Advance,
    parameter_sets: bytes,
) -> Iterator[av.Packet]:
    """Source packets, copied except in the route's runs, where they are decoded, blurred and re-encoded."""
    runs = {run.start: run for run in route.runs}
    encoder: RunEncoder | None = None
    for index, packet in enumerate(_source_packets(path, source)):
        if index in runs:
            encoder = RunEncoder(source, runs[index], boxes, stream, advance)
            if encoder.encoder.extradata != parameter_sets:
                raise MediaProcessingError("x264 changed its parameter sets between two spliced runs")
        if encoder is None:
            packet.stream = stream
            advance(COPY_COST)
            yield packet
            continue
        yield from encoder.feed(packet)
        if index == encoder.run.stop - 1:
            yield from encoder.finish()
            encoder = None


class RunEncoder:
    """Decodes one run of GOPs, blurs it and re-encodes it into MP4 samples that slot between copied ones."""

    def __init__(
        self, source: SourceVideo, run: range, boxes: dict[int, list[Box]], stream: Stream, advance: Advance
    ) -> None:
        self.source, self.run, self.boxes, self.stream, self.advance = source, run, boxes, stream, advance
        self.decoder = cast(VideoCodecContext, av.CodecContext.create("h264", "r"))
        self.decoder.extradata = source.extradata
        self.decoder.thread_type = "AUTO"
        self.encoder = splice_encoder(source)
        samples = [source.samples[index] for index in run]
        # Without B-frames the k-th re-encoded sample is the k-th frame shown, and the k-th smallest dts
        # of the run is <= its k-th smallest pts: reusing the run's dts keeps dts <= pts and fits the copies.
        self.dts = sorted(sample.dts for sample in samples)
        self.durations = {sample.pts: sample.duration for sample in samples}
        self.idr_pts = {sample.pts for sample in samples if sample.idr}
        self.emitted = 0

    def feed(self, packet: av.Packet | None) -> Iterator[av.Packet]:
        """Samples re-encoded so far, after decoding one more source packet (None: drain the decoder)."""
        for frame in self.decoder.decode(packet):
            if frame.pts in self.boxes:
                blur_frame(frame, self.boxes[frame.pts])
            frame.pict_type = PictureType.I if frame.pts in self.idr_pts else PictureType.NONE
            frame.time_base = self.source.time_base
            yield from self._samples(self.encoder.encode(frame))

    def finish(self) -> Iterator[av.Packet]:
        """The run's last samples; raises when it did not give back one sample per source frame."""
        yield from self.feed(None)
        yield from self._samples(self.encoder.encode(None))
        if self.emitted != len(self.run):
            raise MediaProcessingError(f"re-encoding {len(self.run)} frames gave {self.emitted} back")

    def _samples(self, encoded: list[av.Packet]) -> Iterator[av.Packet]:
        for packet in encoded:
            if self.emitted >= len(self.run):
                raise MediaProcessingError("x264 returned more frames than it was given")
            nals = [
                nal for nal in annexb_nals(bytes(packet)) if nal_type(nal) not in (NAL_SPS, NAL_PPS, NAL_AUD)
            ]
            sample = av.Packet(to_length_prefixed(nals, 4))
            sample.pts, sample.dts = packet.pts, self.dts[self.emitted]
            sample.duration = self.durations.get(packet.pts or 0, 0)
            sample.time_base, sample.is_keyframe = self.source.time_base, packet.is_keyframe
            sample.stream = self.stream
            self.emitted += 1
            self.advance(1)
            yield sample


def upright_size(source: SourceVideo) -> tuple[int, int]:
    """Width and height as displayed, cropped to even numbers for 4:2:0."""
    width, height = (
        (source.height, source.width) if source.rotation in (90, 270) else (source.width, source.height)
    )
    return width - width % 2, height - height % 2


def _reencode_stream(source: SourceVideo, output: OutputContainer) -> VideoStream:
    stream = output.add_stream("libx264", rate=source.frame_rate)
    encoder = stream.codec_context
    encoder.width, encoder.height = upright_size(source)
    if source.sample_aspect_ratio:  # a quarter turn swaps the pixels' width and height too
        turned = source.rotation in (90, 270)
        encoder.sample_aspect_ratio = 1 / source.sample_aspect_ratio if turned else source.sample_aspect_ratio
    encoder.pix_fmt, encoder.time_base, stream.time_base = "yuv420p", source.time_base, source.time_base
    encoder.gop_size = max(1, round(2 * source.frame_rate))  # a keyframe every 2 s: quick browser seeking
    encoder.options = {"preset": settings.RENDER_X264_PRESET, "crf": FULL_CRF}
    return stream


def _reencoded_packets(
    path: Path, source: SourceVideo, boxes: dict[int, list[Box]], stream: VideoStream, advance: Advance
) -> Iterator[av.Packet]:
    """Every frame encoded as H.264 yuv420p, while the next ones are prepared in another thread."""
    for shown in read_ahead(_prepared_frames(path, source, boxes)):
        advance(1)
        yield from stream.encode(shown)
    yield from stream.encode(None)


def _prepared_frames(path: Path, source: SourceVideo, boxes: dict[int, list[Box]]) -> Iterator[av.VideoFrame]:
    """Every frame decoded, turned upright and blurred where planned."""
    upright = UprightFrames(source.rotation, source.time_base)
    with av.open(str(path)) as container:
        decoded = cast(VideoStream, container.streams[source.stream_index])
        decoded.thread_type = "AUTO"
        for frame in chain(container.decode(decoded), [None]):
            for shown in upright.push(frame):
                if shown.pts in boxes:
                    blur_frame(shown, boxes[shown.pts])
                shown.pict_type = PictureType.NONE
                yield shown


def _spanning_shown_time(packets: Iterator[av.Packet], shown: tuple[int, int]) -> Iterator[av.Packet]:
    """The encoder's packets, the last one lasting until the decode times span the time the frames show."""
    # x264 gives B-frames the dts of earlier frames' pts; after a long pause in a VFR source the dts then
    # fall short of the pts and the MP4 edit list cuts the end off (the ffmpeg command line does the same).
    first_dts: int | None = None
    previous: av.Packet | None = None
    for packet in packets:
        first_dts = packet.dts if first_dts is None else first_dts
        if previous is not None:
            yield previous
        previous = packet
    if previous is not None and previous.dts is not None and first_dts is not None:
        previous.duration = max(1, (shown[1] - shown[0]) - (previous.dts - first_dts))
        yield previous


class UprightFrames:
    """Turns decoded frames upright, crops them to even dimensions and converts them to yuv420p."""

    def __init__(self, rotation: int, time_base: Fraction) -> None:
        self.rotation, self.time_base = rotation, time_base
        self.graph: Graph | None = None

    def push(self, frame: av.VideoFrame | None) -> list[av.VideoFrame]:
        """Frames ready after this one (None: the last ones)."""
        if self.graph is None:
            if frame is None:
                return []
            self.graph = self._graph(frame)
        self.graph.push(frame)
        ready = []
        while True:
            try:
                ready.append(self.graph.vpull())
            except (av.error.BlockingIOError, av.error.EOFError):
                return ready

    def _graph(self, frame: av.VideoFrame) -> Graph:
        graph = Graph()
        steps = (*UPRIGHT_FILTERS.get(self.rotation, ()), ("crop", EVEN_CROP), ("format", "yuv420p"))
        nodes = [
            graph.add_buffer(
                width=frame.width, height=frame.height, format=frame.format, time_base=self.time_base
            ),
            *(graph.add(name, args) for name, args in steps),
            graph.add("buffersink"),
        ]
        graph.link_nodes(*nodes).configure()
        return graph
