"""The extract stage's sampled frames as one zip: a JPEG per frame, in order, and times.json. Free of Django,
so that a bench on a bare GPU machine (bench/gpu_stages.py) reads the very archive the detect stage reads."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import numpy as np

from media_jobs.media.types import MediaProcessingError

FRAME_JPEG_QUALITY = 92


def write_frames(frames: Iterable[tuple[float, np.ndarray]]) -> tuple[bytes, int]:
    """The archive of timed RGB frames, and how many it holds."""
    import cv2  # here, not above: the web processes that import artifacts never load OpenCV

    buffer, times = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, (time, image) in enumerate(frames):
            ok, jpeg = cv2.imencode(
                ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, FRAME_JPEG_QUALITY]
            )
            assert ok, "JPEG encoding of a decoded frame cannot fail"
            archive.writestr(f"{index:06d}.jpg", jpeg.tobytes())
            times.append(time)
        archive.writestr("times.json", json.dumps(times))
    return buffer.getvalue(), len(times)


def read_frames(handle: BinaryIO, what: str) -> Iterator[tuple[float, np.ndarray]]:
    """The archive's frames, RGB, in order, with their times; `what` names the archive in errors."""
    import cv2

    with zipfile.ZipFile(handle) as archive:
        times = json.loads(archive.read("times.json"))
        for index, time in enumerate(times):
            data = np.frombuffer(archive.read(f"{index:06d}.jpg"), dtype=np.uint8)
            image = cv2.imdecode(data, cv2.IMREAD_COLOR)
            if image is None:
                raise MediaProcessingError(f"stored frame {index} of {what} is damaged")
            yield time, cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def jpeg_near(handle: BinaryIO, t: float) -> bytes | None:
    """The stored JPEG of the frame closest to time t; None for an archive of no frames."""
    with zipfile.ZipFile(handle) as archive:
        times = json.loads(archive.read("times.json"))
        if not times:
            return None
        index = min(range(len(times)), key=lambda i: abs(times[i] - t))
        return archive.read(f"{index:06d}.jpg")
