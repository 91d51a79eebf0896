"""The GPU stages of moderation (detect, transcribe, read_text) on a CUDA GPU and on the same machine's CPU,
as a worker runs them: the extract stage's frames.zip and audio.wav of one video in, seconds and findings out.

It needs gpu_worker's packages and not Django or a database, so that it runs on a bare GPU machine:

    python bench/gpu_stages.py INPUTS OUT.json [--whisper-model DIR] [--devices cuda,cpu]

`python -m bench gpu` makes INPUTS from the pipeline bench's video and runs this; bench/gpu_device.sh
installs the packages on a GPU machine that has no package index and runs it there."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import itertools
import json
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

if __package__ in (None, ""):  # run as a file: the repository's packages, not bench/'s modules, importable
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import ctranslate2
import numpy as np

from gpu_worker.config import GpuConfig, configure
from gpu_worker.detection import LocalDetector
from gpu_worker.ocr import TextReader
from gpu_worker.onnx import create_session, wheel_model_path
from gpu_worker.transcribe import LocalTranscriber
from gpu_worker.types import Box
from media_jobs.media.frame_archive import read_frames
from moderation import onscreen
from moderation.frame_detection import detect_frames

CUDA_PROVIDERS = ("CUDAExecutionProvider", "CPUExecutionProvider")
WARM_UP_SECONDS = 20  # audio heard once before timing: a worker's first call pays CUDA's start-up
IOU_SAME = 0.5  # a box on one device matches one of the same class on the other from this overlap
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Variant:
    """One way to run both stages: the device, and the settings a GPU worker would change."""

    name: str
    device: str  # "cuda" or "cpu"
    compute_type: str  # CTranslate2's
    whisper_batch: int
    detector_batch: int
    conv_search: str = "HEURISTIC"  # cuDNN's, on CUDA
    speech_model: str = "accurate"  # or "thorough": the same model heard at three tempos

    def config(self, whisper_model: str) -> GpuConfig:
        providers = CUDA_PROVIDERS if self.device == "cuda" else ("CPUExecutionProvider",)
        return GpuConfig(
            onnx_providers=providers,
            detector_batch_size=self.detector_batch,
            whisper_model=self.speech_model,
            whisper_model_path=whisper_model,
            whisper_device=self.device,
            whisper_compute_type=self.compute_type,
            whisper_batch_size=self.whisper_batch,
            onnx_cuda_conv_search=self.conv_search,
        )


VARIANTS = {
    "cpu": [Variant("cpu int8 (the default)", "cpu", "int8", 8, 8)],
    "cuda": [
        Variant("cuda float16", "cuda", "float16", 8, 8),
        Variant("cuda float16, batches of 16/32", "cuda", "float16", 16, 32),
        Variant("cuda int8_float16", "cuda", "int8_float16", 8, 8),
        Variant("cuda float16, cuDNN DEFAULT", "cuda", "float16", 8, 8, "DEFAULT"),
        Variant("cuda float16, cuDNN EXHAUSTIVE", "cuda", "float16", 8, 8, "EXHAUSTIVE"),
        Variant("cuda float16, thorough (three tempos)", "cuda", "float16", 8, 8, speech_model="thorough"),
    ],
}


def run_variant(variant: Variant, inputs: Path, whisper_model: str) -> dict[str, Any]:
    """The three stages under one variant: models loaded and warmed first, as in a running worker."""
    config = variant.config(whisper_model)
    configure(config)
    models, load_seconds = _timed(_warmed_models, config, inputs, variant.detector_batch)
    detector, transcriber, reader = models
    providers = create_session(wheel_model_path("nudenet", "320n.onnx"), config).get_providers()

    def detect() -> tuple[list[tuple[float, np.ndarray]], list[list[Box]]]:
        """The frames decoded from their JPEGs, as the stage decodes them, and the boxes found on them."""
        with open(inputs / "frames.zip", "rb") as handle:
            frames = list(read_frames(handle, "frames.zip"))
        return frames, detect_frames(detector, [image for _, image in frames], variant.detector_batch)

    (frames, boxes), detect_seconds = _timed(detect)
    _, detect_again_seconds = _timed(detect)  # every input shape has been met: the next such video
    transcript, transcribe_seconds = _timed(transcriber.transcribe, inputs / "audio.wav")
    chosen = [frames[index] for index in onscreen.frames_to_read([t for t, _ in frames])]  # the stage's
    samples, read_text_seconds = _timed(onscreen.read_frames, chosen, reader, onscreen.ReadStats())
    return {
        "variant": dataclasses.asdict(variant),
        "onnx_providers": providers,
        "load_and_warm_up_seconds": round(load_seconds, 2),
        "detect_seconds": round(detect_seconds, 3),
        "detect_again_seconds": round(detect_again_seconds, 3),
        "transcribe_seconds": round(transcribe_seconds, 3),
        "read_text_seconds": round(read_text_seconds, 3),
        "frames": len(frames),
        "boxes": [[dataclasses.asdict(box) for box in frame] for frame in boxes],
        "words": [word.text for word in transcript.words],
        "alternatives": len(transcript.alternatives),
        "texts": sorted({line["text"] for sample in samples for line in sample["lines"]}),
    }


def _warmed_models(
    config: GpuConfig, inputs: Path, batch: int
) -> tuple[LocalDetector, LocalTranscriber, TextReader]:
    """The three stages' models, each run once: a worker's first call pays for CUDA's start-up."""
    detector = LocalDetector.from_config(config)
    transcriber = LocalTranscriber.from_config(config)
    reader = TextReader.from_config(config)
    with open(inputs / "frames.zip", "rb") as handle:
        frames = [image for _, image in itertools.islice(read_frames(handle, "frames.zip"), batch)]
    detector.detect(frames)
    reader.detect(frames[0], onscreen.READ_MAX_SIDE)
    with tempfile.TemporaryDirectory() as scratch:
        transcriber.transcribe(_head(inputs / "audio.wav", WARM_UP_SECONDS, Path(scratch) / "head.wav"))
    return detector, transcriber, reader


def _timed(function: Callable[..., T], *args: Any) -> tuple[T, float]:
    """What the function returns, and the seconds it took."""
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _head(wav_path: Path, seconds: int, out: Path) -> Path:
    """The first seconds of a WAV file, as a WAV file of their own."""
    with wave.open(str(wav_path), "rb") as source, wave.open(str(out), "wb") as head:
        head.setparams(source.getparams())
        head.writeframes(source.readframes(source.getframerate() * seconds))
    return out


def agreement(result: dict[str, Any], reference: dict[str, Any]) -> dict[str, float]:
    """How far a variant's findings are from the reference's: words in common, boxes matched, and the texts
    read on screen that both read (of those either read)."""
    words = difflib.SequenceMatcher(a=reference["words"], b=result["words"], autojunk=False).ratio()
    matched = total = 0
    for ours, theirs in zip(result["boxes"], reference["boxes"], strict=True):
        total += max(len(ours), len(theirs))
        matched += sum(any(_same_box(box, other) for other in theirs) for box in ours)
    texts, their_texts = set(result["texts"]), set(reference["texts"])
    return {
        "words_in_common": round(words, 4),
        "boxes_matched": round(matched / max(total, 1), 4),
        "texts_in_common": round(len(texts & their_texts) / max(len(texts | their_texts), 1), 4),
    }


def _same_box(one: dict[str, Any], other: dict[str, Any]) -> bool:
    if one["label"] != other["label"]:
        return False
    width = min(one["x2"], other["x2"]) - max(one["x1"], other["x1"])
    height = min(one["y2"], other["y2"]) - max(one["y1"], other["y1"])
    inter = max(width, 0.0) * max(height, 0.0)
    union = _area(one) + _area(other) - inter
    return union > 0 and inter / union >= IOU_SAME


def _area(box: dict[str, Any]) -> float:
    return float((box["x2"] - box["x1"]) * (box["y2"] - box["y1"]))


def report(results: list[dict[str, Any]], audio_seconds: float) -> list[str]:
    """One line per variant: seconds, real-time factor, and speed and findings against the CPU's (the
    first variant's where the CPU did not run)."""
    base = next((result for result in results if result["variant"]["device"] == "cpu"), results[0])
    base_total = _stages_seconds(base)
    lines = [f"{'variant':34} {'detect s':>9} {'again s':>8} {'transcribe s':>13} {'read_text s':>12} "
             f"{'all s':>7} {'x real time':>12} {'vs CPU':>7} {'words same':>11} {'boxes same':>11} "
             f"{'texts same':>11}"]  # fmt: skip
    for result in results:
        total = _stages_seconds(result)
        result["realtime_factor"] = round(audio_seconds / total, 1)
        result["speedup_over_cpu"] = round(base_total / total, 2)
        result["agreement_with_cpu"] = agreement(result, base)
        same = result["agreement_with_cpu"]
        cells = [
            f"{result['variant']['name']:34}",
            f"{result['detect_seconds']:9.2f}",
            f"{result['detect_again_seconds']:8.2f}",
            f"{result['transcribe_seconds']:13.2f}",
            f"{result['read_text_seconds']:12.2f}",
            f"{total:7.2f}",
            f"{result['realtime_factor']:12.1f}",
            f"{result['speedup_over_cpu']:7.2f}",
            f"{same['words_in_common']:11.3f}",
            f"{same['boxes_matched']:11.3f}",
            f"{same['texts_in_common']:11.3f}",
        ]
        lines.append(" ".join(cells))
    return lines


def _stages_seconds(result: dict[str, Any]) -> float:
    """The three stages one after another (a worker with one GPU runs them so, or beside each other)."""
    return float(result["detect_seconds"] + result["transcribe_seconds"] + result["read_text_seconds"])


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", type=Path, help="a folder with frames.zip and audio.wav")
    parser.add_argument("out", type=Path, help="the JSON file to write")
    parser.add_argument(
        "--whisper-model", default="", help="a CTranslate2 Whisper folder ('': the bundled base)"
    )
    parser.add_argument("--devices", default="cpu,cuda", help="run in this order: cpu, cuda")
    args = parser.parse_args(argv)
    with wave.open(str(args.inputs / "audio.wav"), "rb") as audio:
        audio_seconds = audio.getnframes() / audio.getframerate()
    results: list[dict[str, Any]] = []
    failures: dict[str, str] = {}
    devices = args.devices.split(",")
    if "cuda" in devices and not ctranslate2.get_cuda_device_count():
        devices.remove("cuda")
        failures["cuda"] = "no CUDA device here"
    summary = _save(args.out, audio_seconds, results, failures)
    for variant in [variant for device in devices for variant in VARIANTS[device]]:
        try:
            results.append(run_variant(variant, args.inputs, args.whisper_model))
        except Exception as error:  # a variant that cannot run here is reported, not fatal
            failures[variant.name] = f"{type(error).__name__}: {error}"
        print(variant.name, failures.get(variant.name, "done"), flush=True)
        summary = _save(args.out, audio_seconds, results, failures)  # a run cut short keeps what it did
    print("\n".join([*summary["table"], *(f"{name}: {why}" for name, why in failures.items())]))
    return summary


def _save(
    out: Path, audio_seconds: float, results: list[dict[str, Any]], failures: dict[str, str]
) -> dict[str, Any]:
    summary = {"audio_seconds": audio_seconds, "results": results, "failures": failures}
    summary["table"] = report(results, audio_seconds) if results else []
    out.write_text(json.dumps(summary, indent=1))
    return summary


if __name__ == "__main__":
    main()
