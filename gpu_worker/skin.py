"""How much of a detected box looks like skin: a check of what a face or body-part box holds.

Fractals and colour test patterns make detectors see faces whose boxes hold saturated blues, greens and
purples; a real face or body holds mostly skin tones, whatever its shade: hues from red to yellow at moderate
saturation (a darker skin has a lower value, not another hue). Grey footage holds no hue at all, so a box
with too little colour gets no verdict rather than a low one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from gpu_worker.types import FACE, Box

SKIN_HUES = (340.0, 50.0)  # degrees: from pinkish red through orange to yellow
SKIN_SATURATION = (0.1, 0.8)  # grey-ish and neon pixels are not skin
SKIN_MIN_VALUE = 0.1  # darker pixels have no reliable hue
COLOURLESS_BELOW = 0.12  # a box whose mean saturation is under this is grey: no verdict


def shows_skin(label: str) -> bool:
    """Whether a box of this label holds a face or a body part (SafeSearch's ADULT, RACY and VIOLENCE judge
    the whole frame: what share of it is skin says nothing of them)."""
    return label == FACE or label.endswith("_EXPOSED")


def skin_share(frame: np.ndarray, box: Box) -> float | None:
    """The share (0..1) of the box's pixels with a skin tone, or None for a box with (almost) no colour."""
    height, width = frame.shape[:2]
    x1, y1 = int(box.x1 * width), int(box.y1 * height)
    x2, y2 = max(x1 + 1, int(np.ceil(box.x2 * width))), max(y1 + 1, int(np.ceil(box.y2 * height)))
    crop = np.ascontiguousarray(frame[y1:y2, x1:x2])
    if crop.size == 0:
        return None
    hsv = cv2.cvtColor(crop, cv2.COLOR_RGB2HSV).reshape(-1, 3).astype(np.float32)
    hue, saturation, value = hsv[:, 0] * 2.0, hsv[:, 1] / 255.0, hsv[:, 2] / 255.0
    if float(saturation.mean()) < COLOURLESS_BELOW:
        return None
    skin = (
        ((hue >= SKIN_HUES[0]) | (hue <= SKIN_HUES[1]))
        & (saturation >= SKIN_SATURATION[0])
        & (saturation <= SKIN_SATURATION[1])
        & (value >= SKIN_MIN_VALUE)
    )
    return round(float(skin.mean()), 3)


def with_skin(frames: Sequence[np.ndarray], boxes: Sequence[Sequence[Box]]) -> list[list[Box]]:
    """The boxes of each frame, those of faces and body parts with their skin share measured."""
    return [
        [replace(box, skin=skin_share(frame, box)) if shows_skin(box.label) else box for box in frame_boxes]
        for frame, frame_boxes in zip(frames, boxes, strict=True)
    ]
