"""gpu_worker runs in a process with no Django, no settings and no database: a worker that only turns
media into numbers needs none of them (nor Google's client libraries, unless Google Vision is configured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from gpu_worker.tests.detect_without_django import Report
from gpu_worker.tests.test_faces import backgrounds, iou, moving_face_frames
from gpu_worker.types import FACE, Box

ROOT = Path(__file__).resolve().parents[2]
# What the child process cannot import: Django and its companions, and every app of ours.
BLOCKED = frozenset(
    {
        "django",
        "django_tenants",
        "rest_framework",
        "channels",
        "dramatiq",
        "reelremix",
        "tenants",
        "billing",
        "media_jobs",
        "moderation",
        "search",
    }
)
# Nor Google's client libraries: a worker with no Google Vision credentials never needs them.
BLOCKED_SUBPACKAGES = ("google.cloud",)
# Installed before anything else is imported: every import of a blocked package fails as if it were absent.
CHILD = f"""
import importlib.abc, runpy, sys

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {sorted(BLOCKED)!r} or name.startswith({BLOCKED_SUBPACKAGES!r}):
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked)", name=name)
        return None

sys.meta_path.insert(0, Blocker())
runpy.run_module("gpu_worker.tests.detect_without_django", run_name="__main__")
"""


def run_without_django(*args: str) -> Report:
    """The JSON that the child printed last, from a fresh interpreter without DJANGO_SETTINGS_MODULE."""
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    report: Report = json.loads(child.stdout.splitlines()[-1])
    return report


def test_the_frame_detector_runs_configured_without_django(tmp_path: Path) -> None:
    faces = moving_face_frames(backgrounds()["plain"], 1.0)[:2]
    np.save(tmp_path / "frames.npy", np.stack([*(frame for frame, _ in faces), backgrounds()["plain"]]))
    missing_model = tmp_path / "320n.onnx"

    report = run_without_django(str(tmp_path / "frames.npy"), str(missing_model))

    assert not BLOCKED & set(report["imported"])
    boxes = [[Box(**box) for box in frame] for frame in report["boxes"]]
    assert [[box.label for box in frame] for frame in boxes] == [["FACE_FEMALE", FACE]] * 2 + [[]]
    for (_, truth), frame in zip(faces, boxes[:2], strict=True):
        assert iou(frame[1], truth) > 0.6  # CenterFace's box on the astronaut's face
    assert report["source"] == "nudenet+centerface"
    assert report["kept_when_an_unrelated_field_changed"] is True
    assert str(missing_model) in report["error_after_the_model_path_changed"]
