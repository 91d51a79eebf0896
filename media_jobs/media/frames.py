"""Frames for the detectors: one per 1/fps seconds, upright, RGB, small, decoding as little as possible.

How little: a first pass reads only packet headers (about 0.05 s for five minutes of 720p) to find the
keyframes. A target with a keyframe within half an interval gets that keyframe, decoded alone (a
keyframe needs no other frame). Any other target is served from its group of pictures, decoded from
the keyframe only until a frame falls inside the target's window; the rest of that group is skipped.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.container import InputContainer
from av.packet import Packet
from av.stream import Discard, Disposition
from av.video.frame import VideoFrame
from av.video.reformatter import Interpolation, VideoReformatter
from av.video.stream import VideoStream

from media_jobs.media.types import MediaInfo, MediaProcessingError, SampledFrame

# Decoding stops a little inside a target's window, never on its edge, where float rounding could
# leave the frame just outside.
WINDOW_MARGIN = 0.1  # of the tolerance
# Skipping non-reference frames leaves gaps of up to ~4 frames (3 B-frames); only worth it, and safe,
# when a target's window is wider than that.
NONREF_MIN_FRAMES_PER_WINDOW = 8

Timed = tuple[float, VideoFrame]  # presentation time (seconds from the start) and the decoded frame


@dataclass(frozen=True)
class Clock:
    """Turns a stream's timestamps into seconds from the container's start, the same way in both passes."""

    time_base: Fraction
    origin: float

    def seconds(self, pts: int) -> float:
        return float(pts * self.time_base) - self.origin


@dataclass(frozen=True)
class StreamLayout:
    """What the packet-header pass found: keyframe times and the last frame's time, from the start."""

    keyframes: tuple[float, ...]
    last_frame: float


def sample_frames(
    path: Path, info: MediaInfo, fps: float = 1.0, max_side: int = 640
) -> Iterator[SampledFrame]:
    """Yield one RGB frame per 1/fps seconds (each within half an interval of its target), upright, with
    the longer side at most max_side and the decoded frame's real presentation time."""
    tolerance = 0.5 / fps
    layout = scan_layout(path)
    targets = [i / fps for i in range(math.floor(layout.last_frame * fps) + 1)]
    reach = plan_decoding(targets, layout.keyframes, tolerance)
    reformatter = VideoReformatter()
    with _open_video(path) as (container, video):
        _configure_decoder(video, tolerance)
        decoded = _decode_selectively(container, video, reach)
        for index, (time, frame) in enumerate(nearest_frames(decoded, targets, tolerance)):
            image = _upright_image(reformatter, frame, info.rotation, max_side)
            yield SampledFrame(index=index, time=time, image=image)


def scan_layout(path: Path) -> StreamLayout:
    """Read the video's packet headers (no decoding) for keyframe times and the last frame's time."""
    keyframes: list[float] = []
    last_frame = 0.0
    with _open_video(path) as (container, video):
        clock = _clock(container, video)
        for packet in container.demux(video):
            if packet.pts is None:
                continue
            time = clock.seconds(packet.pts)
            last_frame = max(last_frame, time)
            if packet.is_keyframe:
                keyframes.append(time)
    return StreamLayout(keyframes=tuple(sorted(keyframes)), last_frame=last_frame)


def plan_decoding(
    targets: Sequence[float], keyframes: Sequence[float], tolerance: float
) -> dict[float, float] | None:
    """Map keyframe time -> time the decoded frames of its group must reach, for the groups holding a
    target that no keyframe serves. None when the stream marks no keyframes: decode everything."""
    if not keyframes:
        return None
    reach: dict[float, float] = {}
    for target in targets:
        before = bisect.bisect_right(keyframes, target) - 1
        nearby = keyframes[max(before, 0) : before + 2]
        # A keyframe exactly half-way between two targets is within the tolerance of both but serves one
        # (nearest_frames uses each frame once): it counts as serving neither, and the groups are decoded.
        if before < 0 or any(abs(keyframe - target) < tolerance for keyframe in nearby):
            continue  # a keyframe serves it (or nothing before it can: skip the sample)
        window_start = target - tolerance * (1 - WINDOW_MARGIN)
        reach[keyframes[before]] = max(reach.get(keyframes[before], window_start), window_start)
    return reach


def nearest_frames(decoded: Iterable[Timed], targets: Sequence[float], tolerance: float) -> Iterator[Timed]:
    """For each target, the decoded frame nearest to it within tolerance, each frame used once; targets
    with no frame that close (a damaged stretch, a gap in a variable-rate video) are skipped."""
    pending = deque(targets)
    before: Timed | None = None  # the latest frame earlier than pending[0]
    for time, frame in decoded:
        current: Timed | None = (time, frame)
        while pending and time >= pending[0]:
            chosen = _closest(pending.popleft(), tolerance, before, current)
            before = None  # earlier than this target, so farther still from the next one
            if chosen is not None:
                yield chosen
                if chosen is current:
                    current = None
        if not pending:
            return
        before = current
    chosen = _closest(pending[0], tolerance, before) if pending else None
    if chosen is not None:
        yield chosen


def _closest(target: float, tolerance: float, *candidates: Timed | None) -> Timed | None:
    near = [c for c in candidates if c is not None and abs(c[0] - target) <= tolerance]
    return min(near, key=lambda c: abs(c[0] - target), default=None)


@contextmanager
def _open_video(path: Path) -> Iterator[tuple[InputContainer, VideoStream]]:
    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as error:
        raise MediaProcessingError(f"opening {path.name} for frames failed", str(error)) from None
    try:
        yield container, _only_video(container, path)
    finally:
        container.close()


def _only_video(container: InputContainer, path: Path) -> VideoStream:
    """The main video stream, as probe_media chose it; the demuxer skips the data of every other stream."""
    playable = (s for s in container.streams.video if not s.disposition & Disposition.attached_pic)
    video = next(playable, None)
    if video is None or video.codec_context is None:
        raise MediaProcessingError(f"{path.name} has no decodable video stream")
    for stream in container.streams:
        if stream is not video:
            stream.discard = Discard.all
    return video


def _clock(container: InputContainer, video: VideoStream) -> Clock:
    if video.time_base is None:
        raise MediaProcessingError("the video stream has no time base")
    origin = container.start_time / av.time_base if container.start_time is not None else 0.0
    return Clock(time_base=video.time_base, origin=origin)


def _configure_decoder(video: VideoStream, tolerance: float) -> None:
    video.codec_context.thread_type = "AUTO"  # frame and slice threads
    frame_rate = float(video.average_rate or video.guessed_rate or 0)
    if frame_rate and tolerance * 2 * frame_rate >= NONREF_MIN_FRAMES_PER_WINDOW:
        video.codec_context.skip_frame = "NONREF"


def _decode_selectively(
    container: InputContainer, video: VideoStream, reach: dict[float, float] | None
) -> Iterator[Timed]:
    """Decode every keyframe, and each planned group of pictures until its frames reach the planned time."""
    clock = _clock(container, video)
    needed_until = math.inf if reach is None else -math.inf
    group_start: int | None = None
    latest = -math.inf
    for packet in container.demux(video):
        if reach is not None and packet.is_keyframe and packet.pts is not None:
            group_start = packet.pts
            needed_until = reach.get(clock.seconds(packet.pts), -math.inf)
        elif not _worth_decoding(packet, group_start, latest, needed_until):
            continue
        for time, frame in _decode(video, packet, clock):
            latest = max(latest, time)
            yield time, frame


def _worth_decoding(packet: Packet, group_start: int | None, latest: float, needed_until: float) -> bool:
    if packet.size == 0:
        return True  # the flush packet at the end drains the decoder's delayed frames
    if latest >= needed_until:
        return False
    # Leading pictures of an open GOP show before their keyframe and lean on the previous group,
    # which was not decoded.
    return packet.pts is None or group_start is None or packet.pts >= group_start


def _decode(video: VideoStream, packet: Packet, clock: Clock) -> list[Timed]:
    try:
        frames = video.decode(packet)
    except av.error.FFmpegError:
        return []  # a damaged packet: skip it; the decoder resynchronises by the next keyframe at worst
    return [(clock.seconds(f.pts), f) for f in frames if f.pts is not None]


def _upright_image(
    reformatter: VideoReformatter, frame: VideoFrame, rotation: int, max_side: int
) -> np.ndarray:
    """RGB uint8, H x W x 3, the longer side at most max_side, turned `rotation` degrees counterclockwise."""
    scale = min(1.0, max_side / max(frame.width, frame.height))
    width, height = max(1, round(frame.width * scale)), max(1, round(frame.height * scale))
    rgb = reformatter.reformat(
        frame, width=width, height=height, format="rgb24", interpolation=Interpolation.AREA
    )
    return np.ascontiguousarray(np.rot90(rgb.to_ndarray(), k=rotation // 90))
