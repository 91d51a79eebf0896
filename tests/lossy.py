"""A frame as the extract stage stores it after a lossy video encode: a little grain, then JPEG."""

from __future__ import annotations

import cv2
import numpy as np


def as_stored(image: np.ndarray, seed: int, grain: float = 2.0) -> np.ndarray:
    """The RGB `image` with Gaussian grain (standard deviation `grain`, seeded) through a quality-80 JPEG."""
    grainy = image + np.random.default_rng(seed).normal(0, grain, image.shape)
    noisy = np.clip(grainy, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(noisy, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 80])
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR) if ok else None
    assert decoded is not None
    return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
