"""Google Cloud Vision as a frame detector: SafeSearch and face detection over its REST API."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import requests
from google.api_core import exceptions as api_exceptions
from google.api_core.client_options import ClientOptions
from google.auth import exceptions as auth_exceptions
from google.cloud import vision
from google.oauth2 import service_account

from gpu_worker.config import GpuConfig, vision_is_configured
from gpu_worker.types import FACE, Box, ModelUnavailable, RemoteServiceError

MAX_IMAGES_PER_REQUEST = 16  # Vision's limit for one images:annotate call
REQUEST_TIMEOUT = 30.0  # seconds for one request of up to 16 frames
MAX_FACES = 50
JPEG_QUALITY = 90
SCOPES = ("https://www.googleapis.com/auth/cloud-vision",)
SAFE_SEARCH_LABELS = {"adult": "ADULT", "racy": "RACY", "violence": "VIOLENCE"}
# VERY_UNLIKELY and UNKNOWN give no box: the service saw nothing there.
LIKELIHOOD_SCORES = {
    vision.Likelihood.UNLIKELY: 0.25,
    vision.Likelihood.POSSIBLE: 0.5,
    vision.Likelihood.LIKELY: 0.75,
    vision.Likelihood.VERY_LIKELY: 1.0,
}
FEATURES = [
    vision.Feature(type_=vision.Feature.Type.SAFE_SEARCH_DETECTION),
    vision.Feature(type_=vision.Feature.Type.FACE_DETECTION, max_results=MAX_FACES),
]
RETRYABLE_API_ERRORS = (
    api_exceptions.ServerError,
    api_exceptions.DeadlineExceeded,
    api_exceptions.TooManyRequests,
)
UNREACHABLE_ERRORS = (requests.RequestException, auth_exceptions.TransportError)


def create_client(config: GpuConfig) -> vision.ImageAnnotatorClient:
    """A REST client for the configured endpoint (or Google's), with the API key or the service account."""
    if not vision_is_configured(config):
        raise ModelUnavailable("Google Vision needs GOOGLE_VISION_API_KEY or GOOGLE_VISION_CREDENTIALS_FILE.")
    api_key = config.google_vision_api_key or None
    options = ClientOptions(api_endpoint=config.google_vision_endpoint or None, api_key=api_key)
    credentials = None if api_key else _service_account(Path(config.google_vision_credentials_file))
    # REST takes an endpoint with its scheme, so a plain http:// one (a local fake) works as well.
    return vision.ImageAnnotatorClient(credentials=credentials, transport="rest", client_options=options)


class GoogleVisionDetector:
    """ADULT, RACY and VIOLENCE whole-frame boxes from SafeSearch, and FACE boxes, from Google Vision."""

    name = "google_vision"

    def __init__(
        self, client: vision.ImageAnnotatorClient, max_side: int, timeout: float = REQUEST_TIMEOUT
    ) -> None:
        self._client = client
        self._max_side = max_side
        self._timeout = timeout

    @classmethod
    def from_config(cls, config: GpuConfig, timeout: float = REQUEST_TIMEOUT) -> GoogleVisionDetector:
        """The detector with the configured credentials and endpoint."""
        return cls(create_client(config), config.detector_max_side, timeout)

    @property
    def last_source(self) -> str:
        """Which detector produced the latest results: always this one."""
        return self.name

    def detect(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        """Boxes for each RGB frame, 16 frames per request; a failed request raises a typed error."""
        boxes: list[list[Box]] = []
        for start in range(0, len(frames), MAX_IMAGES_PER_REQUEST):
            boxes.extend(self._annotate(frames[start : start + MAX_IMAGES_PER_REQUEST]))
        return boxes

    def _annotate(self, frames: Sequence[np.ndarray]) -> list[list[Box]]:
        images = [self._jpeg(frame) for frame in frames]
        image_requests = [
            vision.AnnotateImageRequest(image=vision.Image(content=jpeg), features=FEATURES)
            for jpeg, _ in images
        ]
        response = self._send(image_requests)
        return [
            _boxes(annotation, size) for annotation, (_, size) in zip(response.responses, images, strict=True)
        ]

    def _jpeg(self, frame: np.ndarray) -> tuple[bytes, tuple[int, int]]:
        """The frame as JPEG, at most max_side on its longer side, with the size that was sent."""
        shrink = self._max_side / max(frame.shape[:2])
        if shrink < 1:
            frame = cv2.resize(frame, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        bgr = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
        _, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        return jpeg.tobytes(), (frame.shape[0], frame.shape[1])

    def _send(self, image_requests: list[vision.AnnotateImageRequest]) -> vision.BatchAnnotateImagesResponse:
        # No client-side retries: the circuit breaker and the stage's own retries decide what happens next.
        try:
            return self._client.batch_annotate_images(
                requests=image_requests, retry=None, timeout=self._timeout
            )
        except RETRYABLE_API_ERRORS as error:
            raise RemoteServiceError(f"Google Vision failed: {error.message}") from error
        except api_exceptions.GoogleAPICallError as error:
            raise ModelUnavailable(f"Google Vision refused the request: {error.message}") from error
        except UNREACHABLE_ERRORS as error:
            raise RemoteServiceError(f"Google Vision could not be reached: {error}") from error
        except auth_exceptions.GoogleAuthError as error:
            raise ModelUnavailable(f"Google Vision credentials were not accepted: {error}") from error


def _service_account(path: Path) -> service_account.Credentials:
    try:
        return service_account.Credentials.from_service_account_file(str(path), scopes=SCOPES)
    except (OSError, ValueError, KeyError) as error:
        raise ModelUnavailable(
            f"Cannot load the Google Vision service account from {path}: {error}"
        ) from error


def _boxes(annotation: vision.AnnotateImageResponse, image_size: tuple[int, int]) -> list[Box]:
    """The boxes of one image's annotation; a per-image error fails the whole request."""
    if annotation.error.code:
        raise RemoteServiceError(f"Google Vision could not annotate a frame: {annotation.error.message}")
    faces = [_face_box(face, image_size) for face in annotation.face_annotations]
    return [*_safe_search_boxes(annotation.safe_search_annotation), *faces]


def _safe_search_boxes(safe_search: vision.SafeSearchAnnotation) -> list[Box]:
    boxes = []
    for field, label in SAFE_SEARCH_LABELS.items():
        score = LIKELIHOOD_SCORES.get(getattr(safe_search, field))
        if score is not None:
            boxes.append(Box(label, score, 0.0, 0.0, 1.0, 1.0))
    return boxes


def _face_box(face: vision.FaceAnnotation, image_size: tuple[int, int]) -> Box:
    """A FACE box from the face's bounding polygon, in pixels of the image sent, clipped to the frame."""
    height, width = image_size
    xs = [min(max(vertex.x / width, 0.0), 1.0) for vertex in face.bounding_poly.vertices]
    ys = [min(max(vertex.y / height, 0.0), 1.0) for vertex in face.bounding_poly.vertices]
    return Box(FACE, float(face.detection_confidence), min(xs), min(ys), max(xs), max(ys))
