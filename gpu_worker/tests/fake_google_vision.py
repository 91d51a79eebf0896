"""A local Google Cloud Vision: `POST /v1/images:annotate` over HTTP, as the real REST client speaks it.

The client sends `{"requests": [{"image": {"content": base64}, "features": [{"type": 6}, ...]}]}` with
`$alt=json;enum-encoding=int` in the query (so enums travel as numbers both ways) and the API key in
`x-goog-api-key` or a bearer token in `Authorization`. Errors come back as Google's JSON error body.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

import cv2
import numpy as np

ANNOTATE_PATH = "/v1/images:annotate"
LIKELIHOODS = ("UNKNOWN", "VERY_UNLIKELY", "UNLIKELY", "POSSIBLE", "LIKELY", "VERY_LIKELY")
FEATURE_TYPES = {1: "FACE_DETECTION", 6: "SAFE_SEARCH_DETECTION"}
STATUS_NAMES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 500: "INTERNAL", 503: "UNAVAILABLE"}


@dataclass
class Face:
    """A face as Vision reports it: its bounding box in pixels of the image sent."""

    left: int
    top: int
    right: int
    bottom: int
    confidence: float = 0.9


@dataclass
class ImageAnnotation:
    """What the fake finds in one image: SafeSearch likelihood names by field, and faces, or an error."""

    safe_search: dict[str, str] = field(default_factory=dict)
    faces: list[Face] = field(default_factory=list)
    error: str = ""  # set: this image fails on its own, as an undecodable image does


@dataclass
class ReceivedRequest:
    """One annotate call as the fake received it: header names in lower case, images decoded to RGB."""

    headers: dict[str, str]
    query: str
    images: list[np.ndarray]
    features: list[list[str]]


def _nothing_found(image: np.ndarray) -> ImageAnnotation:
    return ImageAnnotation()


class FakeGoogleVision:
    """The fake server, in a thread on 127.0.0.1; set `status` or `delay` to make it fail or stall."""

    def __init__(self, annotate: Callable[[np.ndarray], ImageAnnotation] = _nothing_found) -> None:
        self.annotate = annotate
        self.status = 200
        self.delay = 0.0  # seconds before answering
        self.received: list[ReceivedRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FakeGoogleVision:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def respond(self, request: ReceivedRequest) -> tuple[int, dict[str, Any]]:
        """The status and JSON body for one annotate request."""
        if self.status != 200:
            return self.status, _error_body(self.status)
        enums_as_numbers = "enum-encoding=int" in request.query
        responses = [
            _image_response(self.annotate(image), wanted, enums_as_numbers)
            for image, wanted in zip(request.images, request.features, strict=True)
        ]
        return 200, {"responses": responses}


def _handler_for(fake: FakeGoogleVision) -> type[BaseHTTPRequestHandler]:
    class AnnotateHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            path = urlsplit(self.path)
            if path.path != ANNOTATE_PATH:
                self._send(404, _error_body(404))
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            request = _received(
                {name.lower(): value for name, value in self.headers.items()}, unquote(path.query), body
            )
            fake.received.append(request)
            status, answer = fake.respond(request)
            time.sleep(fake.delay)
            self._send(status, answer)

        def _send(self, status: int, answer: dict[str, Any]) -> None:
            payload = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as a timed-out client does

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return AnnotateHandler


def _received(headers: dict[str, str], query: str, body: dict[str, Any]) -> ReceivedRequest:
    images = [_decode(image_request["image"]["content"]) for image_request in body["requests"]]
    features = [
        [_feature_name(feature["type"]) for feature in request["features"]] for request in body["requests"]
    ]
    return ReceivedRequest(headers, query, images, features)


def _decode(content: str) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(base64.b64decode(content), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "the client sent an image that is not JPEG or PNG"
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _feature_name(feature_type: int | str) -> str:
    return (
        FEATURE_TYPES.get(feature_type, str(feature_type)) if isinstance(feature_type, int) else feature_type
    )


def _image_response(
    annotation: ImageAnnotation, features: list[str], enums_as_numbers: bool
) -> dict[str, Any]:
    if annotation.error:
        return {"error": {"code": 3, "message": annotation.error}}  # 3: INVALID_ARGUMENT
    response: dict[str, Any] = {}
    if "SAFE_SEARCH_DETECTION" in features:
        response["safeSearchAnnotation"] = {
            name: LIKELIHOODS.index(value) if enums_as_numbers else value
            for name, value in annotation.safe_search.items()
        }
    if "FACE_DETECTION" in features and annotation.faces:
        response["faceAnnotations"] = [_face_json(face) for face in annotation.faces]
    return response


def _face_json(face: Face) -> dict[str, Any]:
    corners = [
        (face.left, face.top),
        (face.right, face.top),
        (face.right, face.bottom),
        (face.left, face.bottom),
    ]
    # proto3 JSON leaves out zero values, as the real service does.
    vertices = [{key: value for key, value in (("x", x), ("y", y)) if value} for x, y in corners]
    return {"boundingPoly": {"vertices": vertices}, "detectionConfidence": face.confidence}


def _error_body(status: int) -> dict[str, Any]:
    name = STATUS_NAMES.get(status, "UNKNOWN")
    return {"error": {"code": status, "message": f"fake Google Vision answers {status}", "status": name}}
