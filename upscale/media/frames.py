"""The source's pictures for the upscaler: decoded by PyAV in order, as upright RGB frames."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.video.stream import VideoStream

from media_jobs.media.render.video import video_stream
from media_jobs.media.types import MediaProcessingError


def frame_rate(src: Path) -> Fraction:
    """The source's average frame rate: the output's constant one."""
    with av.open(str(src)) as container:
        stream = video_stream(container)
        rate = stream.average_rate or stream.guessed_rate
        if not rate:
            raise MediaProcessingError(f"{src.name} has no frame rate")
        return Fraction(rate)


def upright_frames(src: Path, rotation: int, start: int = 0) -> Iterator[tuple[int, np.ndarray | None]]:
    """(index, upright RGB frame) for every frame of the source in order; frames before `start` come as
    (index, None): decoded, as the stream must be, but not converted (a resumed job skips them)."""
    try:
        with av.open(str(src)) as container:
            stream = cast(VideoStream, video_stream(container))
            stream.thread_type = "AUTO"
            for index, frame in enumerate(container.decode(stream)):
                if index < start:
                    yield index, None
                    continue
                pixels = frame.to_ndarray(format="rgb24")
                yield index, np.ascontiguousarray(np.rot90(pixels, rotation // 90)) if rotation else pixels
    except av.FFmpegError as error:
        raise MediaProcessingError(f"decoding {src.name} failed", str(error)) from error
