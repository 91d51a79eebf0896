"""ONNX Runtime sessions: the models that run beside others in a worker have threads that sleep when idle."""

from __future__ import annotations

import onnxruntime as ort

from gpu_worker.config import current
from gpu_worker.ocr import TextReader
from gpu_worker.onnx import _providers, create_session, wheel_model_path

SPINNING = "session.intra_op.allow_spinning"


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
