"""On-screen text: PP-OCRv4 detection and recognition, the ONNX models shipped in the rapidocr-onnxruntime
wheel, run through its own pre- and post-processing. Detection finds text boxes on a (downscaled) frame;
recognition reads only the crops it is given, so a caller can skip text it has already read."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from gpu_worker.config import CachedModel, GpuConfig
from gpu_worker.onnx import create_session, runs_on_cuda, wheel_model_path
from gpu_worker.types import ModelUnavailable

PACKAGE = "rapidocr_onnxruntime"
DETECTOR_FILE, RECOGNIZER_FILE = "models/ch_PP-OCRv4_det_infer.onnx", "models/ch_PP-OCRv4_rec_infer.onnx"
NAME = "pp-ocrv4"
BOX_THRESHOLD = 0.5  # the detector's own default: a box's mean text probability
# Crops read per model run. A batch is padded to its widest crop: on a CPU, a caption and a short mark read
# together cost about four times what they cost apart (0.10 s against 0.027 s for the mark alone, measured).
REC_BATCH = 1
# The recogniser's input: a crop scaled to this height, its right padded to at least this width.
REC_HEIGHT, REC_MIN_WIDTH = 48, 320
MIN_BOX_PIXELS = 4  # a box thinner than this (in the detected image) cannot be read


@dataclass(frozen=True)
class TextBox:
    """A text region in one frame, in fractions (0..1) of the frame's width and height."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class TextLine:
    """What a text box says, and how sure the recogniser is (0..1)."""

    text: str
    score: float


class TextReader:
    """PP-OCRv4: `detect` finds text boxes on a frame downscaled to `max_side`, `read` reads the crops of
    boxes (from any frames)."""

    name = NAME

    def __init__(self, detector: Any, recognizer: Any, *, bucketed: bool = False) -> None:
        """`bucketed`: each crop is padded to the next of a few widths (see `_read_bucketed`)."""
        self._detector = detector
        self._recognizer = recognizer
        self._bucketed = bucketed

    @classmethod
    def from_config(cls, config: GpuConfig) -> TextReader:
        """The reader on the wheel's models, with the configured threads and CUDA when it is configured."""
        from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

        detector_path, recognizer_path = (
            wheel_model_path(PACKAGE, DETECTOR_FILE),
            wheel_model_path(PACKAGE, RECOGNIZER_FILE),
        )
        threads = config.onnx_threads or -1  # rapidocr's "ONNX Runtime decides"
        common = {"intra_op_num_threads": threads, "inter_op_num_threads": 1,
                  "use_cuda": "CUDAExecutionProvider" in config.onnx_providers}  # fmt: skip
        detector_config = {**common, "model_path": str(detector_path),
                           "limit_side_len": 32, "limit_type": "min", "box_thresh": BOX_THRESHOLD,
                           "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}  # fmt: skip
        recognizer_config = {**common, "model_path": str(recognizer_path), "rec_batch_num": REC_BATCH,
                             "rec_img_shape": [3, REC_HEIGHT, REC_MIN_WIDTH]}  # fmt: skip
        try:
            detector, recognizer = TextDetector(detector_config), TextRecognizer(recognizer_config)
        except Exception as error:  # rapidocr raises its own and ONNX Runtime's errors for a bad model
            raise ModelUnavailable(f"The PP-OCRv4 models of {PACKAGE} cannot be loaded: {error}") from error
        # rapidocr takes no session options: its sessions are replaced by ours, whose idle threads do not spin
        # (see onnx._session_options), the same models with the same providers.
        detector.infer.session = create_session(detector_path, config)
        recognizer.session.session = create_session(recognizer_path, config)
        return cls(detector, recognizer, bucketed=runs_on_cuda(recognizer.session.session))

    def detect(self, frame: np.ndarray, max_side: int) -> list[TextBox]:
        """Text boxes of an RGB frame, found on the frame shrunk to at most `max_side` pixels."""
        small = _shrunk(frame, max_side)
        found, _ = self._detector(np.ascontiguousarray(small[:, :, ::-1]))  # the models expect BGR
        height, width = small.shape[:2]
        boxes = []
        for points in [] if found is None else found:
            (x1, y1), (x2, y2) = points.min(axis=0), points.max(axis=0)
            if min(x2 - x1, y2 - y1) >= MIN_BOX_PIXELS:
                boxes.append(
                    TextBox(float(x1 / width), float(y1 / height), float(x2 / width), float(y2 / height))
                )
        return boxes

    def read(self, crops: Sequence[np.ndarray]) -> list[TextLine]:
        """The text of each RGB crop (see `crop`)."""
        if not crops:
            return []
        bgr = [np.ascontiguousarray(crop[:, :, ::-1]) for crop in crops]
        results = [self._read_bucketed(crop) for crop in bgr] if self._bucketed else self._recognizer(bgr)[0]
        return [TextLine(str(text).strip(), float(score)) for text, score in results]

    def _read_bucketed(self, crop: np.ndarray) -> tuple[str, float]:
        """A BGR crop read at a width of REC_MIN_WIDTH doubled as often as it takes, its right padded as
        rapidocr pads it: the recogniser meets a handful of input shapes in a process's life, not one per
        width of text line. On CUDA a new input shape makes ONNX Runtime plan every convolution again (see
        onnx.run_in_batches); on a CPU the padding would only cost time, so there rapidocr pads each crop to
        its own width."""
        height, width = crop.shape[:2]
        doublings = max(0, math.ceil(math.log2(REC_HEIGHT * width / height / REC_MIN_WIDTH)))
        padded_width = REC_MIN_WIDTH * 2**doublings
        # rapidocr's input width is int(REC_HEIGHT * ratio): half a pixel more keeps it from rounding down.
        blob = self._recognizer.resize_norm_img(crop, (padded_width + 0.5) / REC_HEIGHT)
        predictions = self._recognizer.session(blob[np.newaxis])[0]
        ((text, score),) = self._recognizer.postprocess_op(predictions)
        return text, score


def _shrunk(frame: np.ndarray, max_side: int) -> np.ndarray:
    height, width = frame.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale == 1.0:
        return frame
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def crop(frame: np.ndarray, box: TextBox) -> np.ndarray:
    """What `read` reads of a box: the box of the full-size frame with a little margin (the detector's boxes
    hug the letters), at least 2x2 pixels."""
    height, width = frame.shape[:2]
    pad_x, pad_y = 0.1 * (box.x2 - box.x1) * width, 0.15 * (box.y2 - box.y1) * height
    left, top = max(0, int(box.x1 * width - pad_x)), max(0, int(box.y1 * height - pad_y))
    right = min(width, max(left + 2, int(np.ceil(box.x2 * width + pad_x))))
    bottom = min(height, max(top + 2, int(np.ceil(box.y2 * height + pad_y))))
    return frame[top:bottom, left:right]


_reader = CachedModel(TextReader.from_config, frozenset({"onnx_providers", "onnx_threads"}))


def get_text_reader() -> TextReader:
    """The process's text reader, loaded on first use."""
    return _reader.get()
