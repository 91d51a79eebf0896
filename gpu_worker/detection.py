"""The detect stage's frame detector: local models, or Google Vision with them to fall back on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from gpu_worker.circuit import CircuitBreaker
from gpu_worker.config import CachedModel, GpuConfig, vision_is_configured
from gpu_worker.faces import FaceDetector
from gpu_worker.nudity import NudityDetector
from gpu_worker.types import Box, ModelUnavailable, RemoteServiceError

logger = logging.getLogger(__name__)

VISION_FAILURES_TO_OPEN = 3  # consecutive failed requests before Vision is left alone
VISION_COOLDOWN = 60.0  # seconds before one trial request goes to Vision again
# The config fields that change which detector is built or how its models load.
DETECTOR_FIELDS = frozenset(
    {
        "onnx_providers",
        "onnx_threads",
        "onnx_cuda_conv_search",
        "detector_batch_size",
        "detector_max_side",
        "nudenet_model_path",
        "face_model_path",
        "google_vision_credentials_file",
        "google_vision_api_key",
        "google_vision_endpoint",
    }
)


class FrameDetector(Protocol):
    """Boxes for RGB uint8 frames of any size, one list per frame, coordinates in fractions of the frame."""

    name: str

    @property
    def last_source(self) -> str:
        """The name of the detector that produced this thread's latest results."""
        ...

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """One list of boxes per frame, in the frames' order."""
        ...


class LocalDetector:
    """NudeNet's nudity classes and CenterFace's faces, on this machine."""

    name = "nudenet+centerface"

    def __init__(self, nudity: NudityDetector, faces: FaceDetector) -> None:
        self._nudity = nudity
        self._faces = faces

    @classmethod
    def from_config(cls, config: GpuConfig) -> LocalDetector:
        """Both models, loaded with the configured paths, providers and threads."""
        return cls(NudityDetector.from_config(config), FaceDetector.from_config(config))

    @property
    def last_source(self) -> str:
        """Always this detector."""
        return self.name

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """NudeNet's boxes (its face classes included) followed by CenterFace's FACE boxes, per frame."""
        nudity = self._nudity.detect(frames)
        faces = self._faces.detect(frames)
        return [nudity_boxes + face_boxes for nudity_boxes, face_boxes in zip(nudity, faces, strict=True)]


class FallbackDetector:
    """A remote detector behind a circuit breaker; each call it cannot serve goes to the local detector."""

    def __init__(self, remote: FrameDetector, local: FrameDetector, breaker: CircuitBreaker) -> None:
        self.name = f"{remote.name}|{local.name}"
        self._remote = remote
        self._local = local
        self._breaker = breaker
        self._latest = threading.local()  # worker threads share this detector

    @property
    def last_source(self) -> str:
        """The detector that produced this thread's latest results ("" before its first call)."""
        return str(getattr(self._latest, "source", ""))

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """The remote boxes when the breaker lets the call through and it succeeds, else the local ones."""
        if self._breaker.allow():
            try:
                boxes = self._remote.detect(frames)
            except (RemoteServiceError, ModelUnavailable) as error:
                self._breaker.record_failure()
                logger.warning(
                    "%s failed, using %s for this batch: %s", self._remote.name, self._local.name, error
                )
            else:
                self._breaker.record_success()
                self._latest.source = self._remote.name
                return boxes
        self._latest.source = self._local.name
        return self._local.detect(frames)


def _build_frame_detector(config: GpuConfig) -> FrameDetector:
    """The local models, behind Google Vision when it has credentials."""
    local = LocalDetector.from_config(config)
    if not vision_is_configured(config):
        return local
    # Google's client libraries load only where Vision is configured: a GPU worker without them runs.
    from gpu_worker.google_vision import GoogleVisionDetector

    breaker = CircuitBreaker(VISION_FAILURES_TO_OPEN, VISION_COOLDOWN)
    return FallbackDetector(GoogleVisionDetector.from_config(config), local, breaker)


_detector = CachedModel(_build_frame_detector, DETECTOR_FIELDS)


def get_frame_detector() -> FrameDetector:
    """This process's detector, built on first use: models load once per worker process."""
    return _detector.get()
