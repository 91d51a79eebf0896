"""Run by test_without_django, in a process where Django and our apps cannot be imported: gpu_worker is
configured with a GpuConfig, detects on the frames it is given, and prints what happened as JSON."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from gpu_worker.config import GpuConfig, configure
from gpu_worker.detection import get_frame_detector
from gpu_worker.errors import PermanentModelError


class Report(TypedDict):
    """What the child saw, as the parent test reads it."""

    boxes: list[list[dict[str, Any]]]  # Box fields, per frame
    source: str
    kept_when_an_unrelated_field_changed: bool
    error_after_the_model_path_changed: str
    imported: list[str]  # the top-level packages in sys.modules at the end


def detect_and_reconfigure(frames_file: Path, missing_model: Path) -> Report:
    """The boxes found, whether an unrelated change kept the detector, and what a missing model raised."""
    config = GpuConfig(detector_batch_size=2)  # not the default: three frames go in two batches
    configure(config)
    detector = get_frame_detector()
    boxes = detector.detect(list(np.load(frames_file)))
    configure(dataclasses.replace(config, openai_api_key="sk-not-a-detector-setting"))
    kept = get_frame_detector() is detector
    configure(dataclasses.replace(config, nudenet_model_path=str(missing_model)))
    try:
        get_frame_detector()
        error = ""
    except PermanentModelError as raised:
        error = str(raised)
    return {
        "boxes": [[dataclasses.asdict(box) for box in frame_boxes] for frame_boxes in boxes],
        "source": detector.last_source,
        "kept_when_an_unrelated_field_changed": kept,
        "error_after_the_model_path_changed": error,
        "imported": sorted({name.partition(".")[0] for name in sys.modules}),
    }


if __name__ == "__main__":
    print(json.dumps(detect_and_reconfigure(Path(sys.argv[1]), Path(sys.argv[2]))))
