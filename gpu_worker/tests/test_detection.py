from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from gpu_worker.circuit import CircuitBreaker, CircuitState
from gpu_worker.config import current
from gpu_worker.detection import FallbackDetector, LocalDetector, get_frame_detector
from gpu_worker.google_vision import GoogleVisionDetector
from gpu_worker.tests.fake_google_vision import FakeGoogleVision, ImageAnnotation
from gpu_worker.tests.test_faces import backgrounds, moving_face_frames
from gpu_worker.types import FACE, Box

VISION_ANSWER = [Box("ADULT", 0.75, 0.0, 0.0, 1.0, 1.0)]
COOLDOWN = 1.0  # seconds


def likely_adult(image: np.ndarray) -> ImageAnnotation:
    return ImageAnnotation(safe_search={"adult": "LIKELY"})


@pytest.fixture(scope="module")
def local() -> LocalDetector:
    return LocalDetector.from_config(current())


@pytest.fixture
def fake() -> Iterator[FakeGoogleVision]:
    with FakeGoogleVision(likely_adult) as server:
        yield server


@pytest.fixture
def vision_settings(settings, fake: FakeGoogleVision):
    settings.GOOGLE_VISION_API_KEY = "test-vision-key"
    settings.GOOGLE_VISION_ENDPOINT = fake.url
    return settings


def face_frames() -> list[np.ndarray]:
    return [frame for frame, _ in moving_face_frames(backgrounds()["plain"], 1.0)[:2]]


def test_it_finds_nudenet_classes_and_centerface_faces_together(local: LocalDetector) -> None:
    frames = [*face_frames(), backgrounds()["plain"]]
    found = local.detect(frames)
    assert [[box.label for box in boxes] for boxes in found] == [
        ["FACE_FEMALE", FACE],
        ["FACE_FEMALE", FACE],
        [],
    ]
    assert local.last_source == "nudenet+centerface"


def test_it_builds_one_local_detector_per_process_when_vision_is_not_configured() -> None:
    built: list[object] = []
    threads = [threading.Thread(target=lambda: built.append(get_frame_detector())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert isinstance(built[0], LocalDetector)
    assert all(detector is built[0] for detector in built)
    assert get_frame_detector() is built[0]


def test_it_uses_google_vision_when_it_is_configured(vision_settings, fake: FakeGoogleVision) -> None:
    detector = get_frame_detector()
    assert detector.detect(face_frames()) == [VISION_ANSWER, VISION_ANSWER]
    assert detector.last_source == "google_vision"
    assert len(fake.received) == 1
    assert get_frame_detector() is detector


@pytest.mark.parametrize("outage", ["server_error", "timeout"])
def test_it_falls_back_to_local_models_while_vision_is_down(
    vision_settings, fake: FakeGoogleVision, local: LocalDetector, outage: str
) -> None:
    now = [0.0]  # the breaker's clock, moved by hand: a slow local detection must not end the cooldown
    breaker = CircuitBreaker(failure_threshold=3, cooldown=COOLDOWN, clock=lambda: now[0])
    detector = FallbackDetector(GoogleVisionDetector.from_config(current(), timeout=0.3), local, breaker)
    frames = face_frames()
    local_answer = local.detect(frames)
    fake.status, fake.delay = (500, 0.0) if outage == "server_error" else (200, 2.0)
    for failures in (1, 2, 3):
        assert detector.detect(frames) == local_answer
        assert (detector.last_source, len(fake.received)) == ("nudenet+centerface", failures)
    assert breaker.state is CircuitState.OPEN

    fake.status, fake.delay = 200, 0.0
    now[0] += COOLDOWN * 0.9
    assert detector.detect(frames) == local_answer
    assert len(fake.received) == 3  # no request while the breaker is open
    now[0] += COOLDOWN * 0.2

    assert detector.detect(frames) == [VISION_ANSWER, VISION_ANSWER]
    assert (detector.last_source, len(fake.received), breaker.state) == (
        "google_vision",
        4,
        CircuitState.CLOSED,
    )


def test_it_reopens_when_the_trial_request_fails(
    vision_settings, fake: FakeGoogleVision, local: LocalDetector
) -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown=0.2)
    detector = FallbackDetector(GoogleVisionDetector.from_config(current()), local, breaker)
    fake.status = 503
    detector.detect(face_frames())
    detector.detect(face_frames())
    time.sleep(0.25)
    assert detector.detect(face_frames()) == local.detect(face_frames())
    assert (len(fake.received), breaker.state) == (3, CircuitState.OPEN)


def test_it_records_the_source_per_thread(vision_settings, local: LocalDetector) -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown=COOLDOWN)
    detector = FallbackDetector(GoogleVisionDetector.from_config(current()), local, breaker)
    detector.detect(face_frames())
    seen_elsewhere: list[str] = []
    thread = threading.Thread(target=lambda: seen_elsewhere.append(detector.last_source))
    thread.start()
    thread.join()
    assert (detector.last_source, seen_elsewhere) == ("google_vision", [""])
