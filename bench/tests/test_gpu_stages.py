"""The GPU bench's own parts that run without a GPU: comparing a device's findings with the CPU's, and the
bundle's int8 Whisper model, which must hear about what the model quantized by CTranslate2 on loading hears.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from faster_whisper import WhisperModel

from bench.gpu_stages import agreement, report
from gpu_worker.whisper_models import FAST, bundled_model_path

ROOT = Path(__file__).resolve().parents[2]
SPEECH = ROOT / "tests" / "media" / "speech" / "clean.flac"


def result(
    device: str, seconds: float, words: list[str], boxes: list[list[dict[str, Any]]], texts: list[str]
) -> dict[str, Any]:
    variant = {"name": device, "device": device}
    timings = {"detect_seconds": seconds, "detect_again_seconds": seconds, "transcribe_seconds": seconds,
               "read_text_seconds": seconds}  # fmt: skip
    return {"variant": variant, **timings, "words": words, "boxes": boxes, "texts": texts}


def box(label: str, x1: float) -> dict[str, Any]:
    return {"label": label, "score": 0.9, "x1": x1, "y1": 0.1, "x2": x1 + 0.2, "y2": 0.3, "skin": None}


def test_it_compares_each_device_with_the_cpu_wherever_the_cpu_ran() -> None:
    cpu = result("cpu", 10.0, ["one", "two", "three", "four"], [[box("FACE", 0.1)], [box("FACE", 0.5)]],
                 ["ACME", "SALE 50%"])  # fmt: skip
    # the same words but one; one box where the CPU had it, one moved away, one of another class; one text
    gpu = result("cuda", 1.0, ["one", "two", "tree", "four"], [[box("FACE", 0.11)], [box("BELLY", 0.5)]],
                 ["ACME", "SALE 5O%"])  # fmt: skip

    lines = report([gpu, cpu], audio_seconds=300.0)

    assert agreement(gpu, cpu) == {"words_in_common": 0.75, "boxes_matched": 0.5, "texts_in_common": 0.3333}
    assert (gpu["speedup_over_cpu"], gpu["realtime_factor"], cpu["speedup_over_cpu"]) == (10.0, 100.0, 1.0)
    assert lines[1].split()[:2] == ["cuda", "1.00"] and len(lines) == 3


def test_the_bundles_int8_whisper_hears_about_what_ctranslate2s_int8_hears(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gpu_bundle", ROOT / "tools" / "gpu_bundle.py")
    assert spec and spec.loader
    bundle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bundle)
    source = bundled_model_path(FAST, "")  # tiny.en: the smaller of the two, the same layout as base
    bundle.requantize_whisper(source, tmp_path / "int8")

    def heard(path: Path) -> list[str]:
        model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=2)
        segments, _ = model.transcribe(str(SPEECH), beam_size=1, language="en")
        return [word for segment in segments for word in segment.text.split()]

    smaller = (tmp_path / "int8" / "model.bin").stat().st_size / (source / "model.bin").stat().st_size
    assert smaller < 0.6
    ours, theirs = heard(tmp_path / "int8"), heard(source)
    # Not bit for bit: CTranslate2 quantizes on loading in C++, rounding its own way.
    assert difflib.SequenceMatcher(a=theirs, b=ours).ratio() > 0.9
    assert len(theirs) > 40


def test_the_bench_loads_where_django_cannot_be_imported() -> None:
    # What bench/gpu_device.sh runs on a bare GPU machine: the stages' code, and none of Django.
    child = (
        "import runpy, sys; sys.modules['django'] = None; runpy.run_path('bench/gpu_stages.py', run_name='x')"
    )
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    run = subprocess.run(
        [sys.executable, "-c", child],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
