"""NudeNet 320n run through our ONNX Runtime session, with NudeNet's own pre- and post-processing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from gpu_worker.config import GpuConfig
from gpu_worker.onnx import (
    create_session,
    input_batch_is_dynamic,
    run_in_batches,
    runs_on_cuda,
    wheel_model_path,
)
from gpu_worker.types import Box

# The model's output classes, in NudeNet's order.
NUDENET_CLASSES = (
    "FEMALE_GENITALIA_COVERED",
    "FACE_FEMALE",
    "BUTTOCKS_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_BREAST_EXPOSED",
    "ANUS_EXPOSED",
    "FEET_EXPOSED",
    "BELLY_COVERED",
    "FEET_COVERED",
    "ARMPITS_COVERED",
    "ARMPITS_EXPOSED",
    "FACE_MALE",
    "BELLY_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "ANUS_COVERED",
    "FEMALE_BREAST_COVERED",
    "BUTTOCKS_COVERED",
)
INPUT_SIDE = 320  # the 320n model's square input
CANDIDATE_SCORE = 0.2  # NudeNet's thresholds: candidates, then NMS score and IoU
NMS_SCORE = 0.25
NMS_IOU = 0.45


class NudityDetector:
    """NudeNet's YOLOv8 detector: boxes labelled with NudeNet's class names, faces included."""

    def __init__(self, session: ort.InferenceSession, batch_size: int, *, padded: bool = False) -> None:
        """`padded`: see run_in_batches."""
        self._session = session
        self._input_name = session.get_inputs()[0].name
        self._batch_size = batch_size if input_batch_is_dynamic(session) else 1
        self._padded = padded

    @classmethod
    def from_config(cls, config: GpuConfig) -> NudityDetector:
        """The detector for nudenet_model_path, or the nudenet wheel's 320n model; padded on CUDA."""
        path = config.nudenet_model_path or wheel_model_path("nudenet", "320n.onnx")
        session = create_session(Path(path), config)
        return cls(session, config.detector_batch_size, padded=runs_on_cuda(session))

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """Boxes for each RGB frame, in fractions of the frame's size."""
        blobs = [letterbox(frame) for frame in frames]
        batches = run_in_batches(
            self._session, None, self._input_name, blobs, self._batch_size, padded=self._padded
        )
        predictions = [rows for (batch_predictions,) in batches for rows in batch_predictions]
        return [decode(rows, frame.shape[:2]) for rows, frame in zip(predictions, frames, strict=True)]


def letterbox(frame: np.ndarray) -> np.ndarray:
    """NudeNet's input: the frame padded to a square at its right and bottom, resized, CHW in 0..1."""
    height, width = frame.shape[:2]
    side = max(height, width)
    # NudeNet's colour handling hands the model the channels in file (BGR) order.
    square = cv2.copyMakeBorder(frame[..., ::-1], 0, side - height, 0, side - width, cv2.BORDER_CONSTANT)
    resized = cv2.resize(square, (INPUT_SIDE, INPUT_SIDE), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(resized.transpose(2, 0, 1), dtype=np.float32) / 255.0


def decode(predictions: np.ndarray, frame_size: tuple[int, int]) -> list[Box]:
    """NudeNet's YOLOv8 decoding of one image's (4 + classes, anchors) output, then NMS."""
    rows = predictions.T
    class_scores = rows[:, 4:]
    scores = class_scores.max(axis=1)
    candidates = scores >= CANDIDATE_SCORE
    rows, scores = rows[candidates], scores[candidates].astype(float)
    class_ids = class_scores[candidates].argmax(axis=1)
    rects = _pixel_rects(rows[:, :4], frame_size)
    kept = cv2.dnn.NMSBoxes(rects.tolist(), scores.tolist(), NMS_SCORE, NMS_IOU)
    return [_fraction_box(NUDENET_CLASSES[class_ids[i]], scores[i], rects[i], frame_size) for i in kept]


def _fraction_box(label: str, score: float, rect: np.ndarray, frame_size: tuple[int, int]) -> Box:
    height, width = frame_size
    x, y, w, h = rect.tolist()
    return Box(label, float(score), x / width, y / height, (x + w) / width, (y + h) / height)


def _pixel_rects(centre_boxes: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """(x, y, w, h) in frame pixels from model (cx, cy, w, h), clipped as NudeNet clips them."""
    height, width = frame_size
    scale = max(height, width) / INPUT_SIDE
    cx, cy, w, h = (centre_boxes * scale).T.astype(float)
    # NudeNet moves the corner into the frame without shrinking the box: kept so results match its own.
    x = np.clip(cx - w / 2, 0, width)
    y = np.clip(cy - h / 2, 0, height)
    return np.stack([x, y, np.minimum(w, width - x), np.minimum(h, height - y)], axis=1)
