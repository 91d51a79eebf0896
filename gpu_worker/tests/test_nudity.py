from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from nudenet import NudeDetector
from skimage import data

from gpu_worker.config import current
from gpu_worker.nudity import NUDENET_CLASSES, NudityDetector
from gpu_worker.onnx import create_session, wheel_model_path
from gpu_worker.tests.test_faces import backgrounds, moving_face_frames
from gpu_worker.tests.test_onnx import ShapeRecorder
from gpu_worker.types import Box, ModelUnavailable


def real_frames() -> list[np.ndarray]:
    moving = [frame for frame, _ in moving_face_frames(backgrounds()["textured"], 1.0)[::4]]
    return [data.astronaut(), data.coffee(), data.chelsea(), data.rocket(), *moving]


@pytest.fixture(scope="module")
def detector() -> NudityDetector:
    return NudityDetector.from_config(current())


def pixels(box: Box, frame: np.ndarray) -> list[float]:
    height, width = frame.shape[:2]
    return [box.x1 * width, box.y1 * height, (box.x2 - box.x1) * width, (box.y2 - box.y1) * height]


def assert_same_boxes(found: list[list[Box]], expected: list[list[Box]]) -> None:
    assert [[box.label for box in boxes] for boxes in found] == [
        [box.label for box in boxes] for boxes in expected
    ]
    numbers = [[box.score, box.x1, box.y1, box.x2, box.y2] for boxes in found for box in boxes]
    expected_numbers = [[box.score, box.x1, box.y1, box.x2, box.y2] for boxes in expected for box in boxes]
    assert np.allclose(numbers, expected_numbers, atol=1e-4)


def test_it_finds_what_nudenet_itself_finds(detector: NudityDetector) -> None:
    frames = real_frames()
    reference = NudeDetector()  # NudeNet's own class reads images in OpenCV's BGR order
    expected = [reference.detect(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)) for frame in frames]
    found = detector.detect(frames)
    assert sum(len(boxes) for boxes in found) >= 5
    for frame, ours, theirs in zip(frames, found, expected, strict=True):
        assert [box.label for box in ours] == [detection["class"] for detection in theirs]
        for box, detection in zip(ours, theirs, strict=True):
            assert box.score == pytest.approx(detection["score"], abs=1e-4)
            # NudeNet truncates its pixel boxes to integers.
            assert np.allclose(pixels(box, frame), detection["box"], atol=1.0)


def test_it_returns_fractional_boxes_named_by_nudenet(detector: NudityDetector) -> None:
    found = detector.detect(real_frames())
    boxes = [box for frame_boxes in found for box in frame_boxes]
    assert all(0.0 <= box.x1 < box.x2 <= 1.0 and 0.0 <= box.y1 < box.y2 <= 1.0 for box in boxes)
    assert {box.label for box in boxes} <= set(NUDENET_CLASSES)
    assert [box.label for box in found[0]] == ["FACE_FEMALE"]  # the astronaut's face, under NudeNet's name


def test_it_gives_the_same_boxes_batched_as_one_by_one(detector: NudityDetector) -> None:
    frames = real_frames()
    one_by_one = [detector.detect([frame])[0] for frame in frames]
    assert_same_boxes(detector.detect(frames), one_by_one)


def test_it_loops_over_frames_when_the_model_takes_one_image_at_a_time() -> None:
    model = wheel_model_path("nudenet", "320n.onnx")
    single = create_session(model, current(), shapes={"images": (1, 3, 320, 320), "output0": (1, 22, 2100)})
    frames = real_frames()
    looped = NudityDetector(single, batch_size=8).detect(frames)
    assert_same_boxes(looped, NudityDetector(create_session(model, current()), batch_size=8).detect(frames))


def test_padded_batches_meet_one_input_shape_and_give_the_same_boxes(detector: NudityDetector) -> None:
    recorder = ShapeRecorder(create_session(wheel_model_path("nudenet", "320n.onnx"), current()))
    frames = real_frames()  # 9: a full batch of 8 and one frame
    padded = NudityDetector(recorder, batch_size=8, padded=True)  # type: ignore[arg-type]

    assert_same_boxes(padded.detect(frames), detector.detect(frames))
    assert recorder.shapes == [(8, 3, 320, 320)] * 2


def test_it_reports_a_missing_model_clearly(settings, tmp_path: Path) -> None:
    settings.NUDENET_MODEL_PATH = str(tmp_path / "320n.onnx")
    with pytest.raises(ModelUnavailable, match=re.escape(settings.NUDENET_MODEL_PATH)):
        NudityDetector.from_config(current())


def test_it_refuses_when_no_configured_provider_is_available(settings) -> None:
    settings.ONNX_PROVIDERS = ["NoSuchExecutionProvider"]
    with pytest.raises(ModelUnavailable, match="ONNX_PROVIDERS"):
        NudityDetector.from_config(current())
