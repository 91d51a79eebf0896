"""The clip's pictures: decoded by PyAV, turned upright, censored and cropped in numpy, piped to ffmpeg.

Frames stay yuv420p from decoder to pipe: the crop is a slice of each plane, and only frames that show a
censor box are blurred (the censored render's `blur_region`, on the upright planes, in source frame
fractions). Output frames sit on a constant-rate grid over the clip's span; each takes the source frame
shown at its time, so a variable-rate source still gives exactly round(duration x fps) frames. Doing the
crop here rather than in ffmpeg (a `sendcmd` script driving `crop`) costs the same on 2 cores, within
noise, and keeps one path for censored and uncensored clips.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO, cast

import av
import numpy as np
from av.video.stream import VideoStream

from clips.media.framing import CropPath
from media_jobs.media.render.blur import BlurSchedule, blur_region
from media_jobs.media.render.video import video_stream
from media_jobs.media.types import MediaProcessingError

SEEK_MARGIN = 1.0  # seconds before the clip to seek to, so the keyframe found precedes its first frame
GRID_TOLERANCE = 0.25  # of a frame: a source frame this close after a grid time still counts as shown then


def upright_planes(frame: av.VideoFrame, rotation: int) -> list[np.ndarray]:
    """The Y, U and V planes as displayed (views on the frame's memory: blurring them edits the frame)."""
    planes = []
    for plane in frame.planes:
        pixels = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)
        planes.append(np.rot90(pixels[:, : plane.width], rotation // 90))
    return planes


def pump_frames(
    src: Path,
    times: np.ndarray,
    crop: CropPath,
    blur: BlurSchedule,
    rotation: int,
    sink: IO[bytes],
    advance: Callable[[float], None],
) -> int:
    """Write the clip's cropped yuv420p frames to `sink`; return how many were blurred."""
    blurred = 0
    period = float(times[1] - times[0]) if len(times) > 1 else 1.0
    for index, frame in grid_frames(src, times, period):
        planes = upright_planes(frame, rotation)
        boxes = blur.boxes(float(times[index]), float(times[index]) + period)
        if boxes:
            frame.make_writable()  # the decoder may still reference this picture
            planes = upright_planes(frame, rotation)
            for plane in planes:
                for box in boxes:
                    blur_region(plane, box)
            blurred += 1
        x, y = int(crop.x[index]), int(crop.y[index])
        for scale, plane in zip((1, 2, 2), planes, strict=True):
            window = plane[y // scale : (y + crop.height) // scale, x // scale : (x + crop.width) // scale]
            sink.write(np.ascontiguousarray(window).data)
        advance(1)
    return blurred


def grid_frames(src: Path, times: np.ndarray, period: float) -> Iterator[tuple[int, av.VideoFrame]]:
    """(output index, the yuv420p source frame shown at that index's time) for every time of the grid."""
    with av.open(str(src)) as container:
        stream = cast(VideoStream, video_stream(container))
        stream.thread_type = "AUTO"
        origin = (container.start_time or 0) / av.time_base
        if times[0] > SEEK_MARGIN:
            container.seek(round((times[0] - SEEK_MARGIN + origin) * av.time_base))  # to a keyframe before
        shown: av.VideoFrame | None = None
        index = 0
        for frame in chain(container.decode(stream), [None]):
            arrival = np.inf if frame is None else float(frame.time or 0.0) - origin
            while (
                shown is not None and index < len(times) and times[index] < arrival - GRID_TOLERANCE * period
            ):
                yield index, shown
                index += 1
            if index >= len(times):
                return
            if frame is not None:
                shown = frame if frame.format.name == "yuv420p" else frame.reformat(format="yuv420p")
    raise MediaProcessingError(f"{src.name} has no video frames in the clip's span")
