"""The sampled frames' archive: what the extract stage writes, the detect stage (and bench/gpu_stages.py on a
machine without Django) reads back."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from media_jobs.media.frame_archive import jpeg_near, read_frames, write_frames
from media_jobs.media.types import MediaProcessingError


def frames() -> list[tuple[float, np.ndarray]]:
    """Three flat colours, so that JPEG keeps them within a few levels."""
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200)]
    return [(t * 1.5, np.full((90, 160, 3), colour, dtype=np.uint8)) for t, colour in enumerate(colours)]


def test_it_reads_back_the_frames_it_wrote_in_order_with_their_times() -> None:
    data, count = write_frames(frames())

    read = list(read_frames(io.BytesIO(data), "a test archive"))

    assert count == 3
    assert [t for t, _ in read] == [0.0, 1.5, 3.0]
    for (_, original), (_, image) in zip(frames(), read, strict=True):
        assert image.shape == original.shape
        assert np.abs(image.astype(int) - original).max() <= 4  # RGB in, RGB out: no channel swap


def test_it_names_the_archive_and_frame_that_is_damaged() -> None:
    data, _ = write_frames(frames())
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            target.writestr(name, b"not a jpeg" if name == "000001.jpg" else source.read(name))

    with pytest.raises(MediaProcessingError, match="stored frame 1 of job 7 is damaged"):
        list(read_frames(io.BytesIO(damaged.getvalue()), "job 7"))


def test_it_finds_the_jpeg_nearest_a_time() -> None:
    data, _ = write_frames(frames())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        second = archive.read("000001.jpg")

    assert jpeg_near(io.BytesIO(data), 1.2) == second
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("times.json", json.dumps([]))
    assert jpeg_near(io.BytesIO(empty.getvalue()), 1.0) is None
