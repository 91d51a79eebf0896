"""Real-ESRGAN through ncnn on the CPU: output sizes, tiles that leave no seam, refusals."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from gpu_worker.types import ModelUnavailable
from gpu_worker.upscaling import Upscaler, tiles


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return cv2.resize(data.astronaut(), (200, 120), interpolation=cv2.INTER_AREA)


def test_tiles_cover_every_pixel_once():
    covered = np.zeros((70, 130), int)
    for part in tiles(130, 70, 32, 5):
        x1, y1, x2, y2 = part.own
        covered[y1:y2, x1:x2] += 1
        rx1, ry1, rx2, ry2 = part.read
        assert rx1 <= x1 and ry1 <= y1 and rx2 >= x2 and ry2 >= y2
    assert (covered == 1).all()


@pytest.mark.parametrize("scale", [2, 4])
def test_it_upscales_by_the_models_scale(photo, scale):
    out = Upscaler("animevideov3", scale, threads=2).upscale(photo)
    assert out.shape == (120 * scale, 200 * scale, 3) and out.dtype == np.uint8
    # The picture is the same picture: close to a plain resize of it, far from noise.
    plain = cv2.resize(photo, (200 * scale, 120 * scale), interpolation=cv2.INTER_CUBIC)
    assert np.abs(out.astype(int) - plain).mean() < 12


def test_tiles_leave_no_seam(photo):
    whole = Upscaler("animevideov3", 2, threads=2, tile=512).upscale(photo)
    tiled = Upscaler("animevideov3", 2, threads=2, tile=48).upscale(photo)
    assert np.abs(whole.astype(int) - tiled).mean() < 0.5
    assert np.abs(whole.astype(int) - tiled).max() < 40


def test_an_unknown_model_or_scale_is_refused():
    with pytest.raises(ModelUnavailable, match="offered"):
        Upscaler("x4plus", 2)
    with pytest.raises(ModelUnavailable):
        Upscaler("nope", 2)
