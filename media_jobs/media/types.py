"""Values passed in and out of the media adapters (ffmpeg, PyAV). Times are seconds from the start."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from reelremix.errors import PermanentJobError, RetryableJobError


class UnplayableMedia(PermanentJobError):
    """The upload is not a video we can play: the message says why, for the uploader."""


class MediaProcessingError(RetryableJobError):
    """ffmpeg or PyAV failed on a file that probed as playable; carries the tail of stderr."""

    def __init__(self, message: str, stderr_tail: str = "") -> None:
        super().__init__(f"{message}: {stderr_tail}" if stderr_tail else message)
        self.stderr_tail = stderr_tail


@dataclass(frozen=True)
class MediaInfo:
    """What probing found. Width/height are as displayed (rotation applied)."""

    format_name: str
    size_bytes: int
    duration: float
    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    rotation: int = 0  # degrees counterclockwise the player turns the coded picture (display matrix)
    fps: float = 0.0  # average frame rate
    video_codec: str = ""
    pixel_format: str = ""
    audio_codec: str = ""
    audio_streams: int = 0
    frame_count: int = 0  # estimated when the container does not say


@dataclass(frozen=True)
class SampledFrame:
    index: int  # 0, 1, 2, ... in sampling order
    time: float  # presentation time of the decoded frame
    image: np.ndarray = field(repr=False)  # RGB, uint8, H x W x 3, downscaled for the detectors


@dataclass(frozen=True)
class BoxAt:
    """A region to blur at time t, as fractions (0..1) of the displayed frame."""

    t: float
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class BlurTrack:
    """Blur one moving region over [start, end]. Between keyframes the box moves linearly; before the
    first and after the last keyframe it holds still. Every frame of the span is covered."""

    start: float
    end: float
    keyframes: tuple[BoxAt, ...]


@dataclass(frozen=True)
class AudioCensor:
    start: float
    end: float
    mode: Literal["bleep", "mute"]


@dataclass(frozen=True)
class CensorPlan:
    blur: tuple[BlurTrack, ...] = ()
    audio: tuple[AudioCensor, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.blur and not self.audio
