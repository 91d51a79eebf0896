from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from gpu_worker.config import current
from gpu_worker.google_vision import GoogleVisionDetector
from gpu_worker.tests.fake_google_vision import Face, FakeGoogleVision, ImageAnnotation
from gpu_worker.types import FACE, Box, ModelUnavailable, RemoteServiceError

API_KEY = "test-vision-key"
TEST_UNIVERSE = "reelremix.test"


def grey_frames(count: int, height: int = 360, width: int = 640) -> list[np.ndarray]:
    """Frames told apart by their grey level: frame i is 5 * i."""
    return [np.full((height, width, 3), 5 * i, np.uint8) for i in range(count)]


def face_by_grey_level(image: np.ndarray) -> ImageAnnotation:
    """One face whose left edge, in pixels, is the image's grey level: it shows which frame was answered."""
    level = round(float(image.mean()))
    return ImageAnnotation(faces=[Face(left=level, top=0, right=level + 64, bottom=90, confidence=0.8)])


def numbers(box: Box) -> list[float]:
    return [box.score, box.x1, box.y1, box.x2, box.y2]


@pytest.fixture
def fake() -> Iterator[FakeGoogleVision]:
    with FakeGoogleVision() as server:
        yield server


@pytest.fixture
def vision(settings, fake: FakeGoogleVision) -> GoogleVisionDetector:
    settings.GOOGLE_VISION_API_KEY = API_KEY
    settings.GOOGLE_VISION_ENDPOINT = fake.url
    return GoogleVisionDetector.from_config(current(), timeout=1.0)


def test_it_maps_safe_search_likelihoods_to_whole_frame_boxes(fake, vision) -> None:
    likelihoods = {
        "adult": "VERY_LIKELY",
        "racy": "POSSIBLE",
        "violence": "VERY_UNLIKELY",
        "medical": "LIKELY",
    }
    fake.annotate = lambda image: ImageAnnotation(safe_search=likelihoods)
    assert vision.detect(grey_frames(1)) == [
        [Box("ADULT", 1.0, 0.0, 0.0, 1.0, 1.0), Box("RACY", 0.5, 0.0, 0.0, 1.0, 1.0)]
    ]


@pytest.mark.parametrize(("likelihood", "score"), [("UNLIKELY", 0.25), ("LIKELY", 0.75), ("UNKNOWN", None)])
def test_it_scores_each_likelihood(fake, vision, likelihood: str, score: float | None) -> None:
    fake.annotate = lambda image: ImageAnnotation(safe_search={"violence": likelihood})
    expected = [] if score is None else [Box("VIOLENCE", score, 0.0, 0.0, 1.0, 1.0)]
    assert vision.detect(grey_frames(1)) == [expected]


def test_it_maps_face_polygons_to_fractional_boxes(fake, vision) -> None:
    fake.annotate = lambda image: ImageAnnotation(
        faces=[Face(0, 36, 128, 108, 0.9), Face(600, 300, 700, 400, 0.6)]
    )
    (boxes,) = vision.detect(grey_frames(1))
    assert [box.label for box in boxes] == [FACE, FACE]
    assert numbers(boxes[0]) == pytest.approx([0.9, 0.0, 0.1, 0.2, 0.3])
    assert numbers(boxes[1]) == pytest.approx([0.6, 600 / 640, 300 / 360, 1.0, 1.0])  # clipped to the frame


def test_it_sends_large_frames_at_detector_max_side(fake, vision) -> None:
    fake.annotate = lambda image: ImageAnnotation(faces=[Face(64, 36, 128, 108)])
    (boxes,) = vision.detect(grey_frames(1, height=1080, width=1920))
    assert fake.received[0].images[0].shape == (360, 640, 3)
    assert [box.label for box in boxes] == [FACE]
    assert numbers(boxes[0]) == pytest.approx([0.9, 0.1, 0.1, 0.2, 0.3])


def test_it_sends_16_frames_per_request_and_keeps_their_order(fake, vision) -> None:
    fake.annotate = face_by_grey_level
    found = vision.detect(grey_frames(40))
    assert [len(request.images) for request in fake.received] == [16, 16, 8]
    lefts = [round(boxes[0].x1 * 640) for boxes in found]
    assert lefts == pytest.approx([5 * i for i in range(40)], abs=1)


def test_it_asks_for_safe_search_and_faces_with_the_api_key(fake, vision) -> None:
    vision.detect(grey_frames(2))
    (request,) = fake.received
    assert request.headers["x-goog-api-key"] == API_KEY
    assert request.features == [["SAFE_SEARCH_DETECTION", "FACE_DETECTION"]] * 2


def test_it_signs_requests_with_a_service_account(settings, fake, tmp_path: Path, monkeypatch) -> None:
    # Outside Google's default universe the auth library skips its access-boundary lookup at Google.
    monkeypatch.setenv("GOOGLE_CLOUD_UNIVERSE_DOMAIN", TEST_UNIVERSE)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.GOOGLE_VISION_CREDENTIALS_FILE = str(write_service_account(tmp_path, key))
    settings.GOOGLE_VISION_ENDPOINT = fake.url
    GoogleVisionDetector.from_config(current()).detect(grey_frames(1))
    token = fake.received[0].headers["authorization"].removeprefix("Bearer ")
    header, payload, signature = token.split(".")
    key.public_key().verify(
        unpad(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    assert json.loads(unpad(payload))["iss"] == "reelremix@example.iam.gserviceaccount.com"


def test_it_raises_a_retryable_error_when_vision_answers_5xx(fake, vision) -> None:
    fake.status = 500
    with pytest.raises(RemoteServiceError, match="fake Google Vision answers 500"):
        vision.detect(grey_frames(1))


def test_it_raises_a_retryable_error_when_vision_times_out(settings, fake) -> None:
    settings.GOOGLE_VISION_API_KEY = API_KEY
    settings.GOOGLE_VISION_ENDPOINT = fake.url
    fake.delay = 1.0
    with pytest.raises(RemoteServiceError, match="could not be reached"):
        GoogleVisionDetector.from_config(current(), timeout=0.2).detect(grey_frames(1))


def test_it_fails_the_request_when_vision_fails_one_image(fake, vision) -> None:
    fake.annotate = lambda image: ImageAnnotation(error="Bad image data." if image.mean() > 0 else "")
    with pytest.raises(RemoteServiceError, match=r"Bad image data\."):
        vision.detect(grey_frames(3))


def test_it_raises_model_unavailable_when_the_key_is_refused(fake, vision) -> None:
    fake.status = 403
    with pytest.raises(ModelUnavailable, match="refused"):
        vision.detect(grey_frames(1))


def test_it_refuses_to_start_without_credentials(settings) -> None:
    settings.GOOGLE_VISION_API_KEY = ""
    settings.GOOGLE_VISION_CREDENTIALS_FILE = ""
    with pytest.raises(ModelUnavailable, match="GOOGLE_VISION_API_KEY or GOOGLE_VISION_CREDENTIALS_FILE"):
        GoogleVisionDetector.from_config(current())


def test_it_reports_a_missing_service_account_file(settings, tmp_path: Path) -> None:
    settings.GOOGLE_VISION_CREDENTIALS_FILE = str(tmp_path / "vision.json")
    with pytest.raises(ModelUnavailable, match=re.escape(settings.GOOGLE_VISION_CREDENTIALS_FILE)):
        GoogleVisionDetector.from_config(current())


def write_service_account(directory: Path, key: rsa.RSAPrivateKey) -> Path:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    account = {
        "type": "service_account",
        "project_id": "reelremix-test",
        "private_key_id": "test-key",
        "private_key": pem.decode(),
        "client_email": "reelremix@example.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "http://127.0.0.1:9/token",  # never called: the client signs its own JWT
        "universe_domain": TEST_UNIVERSE,
    }
    path = directory / "vision.json"
    path.write_text(json.dumps(account))
    return path


def unpad(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
