"""The project hands Django's settings to gpu_worker, which reads none itself: once at start-up, and
again whenever one of them changes."""

from __future__ import annotations

import dataclasses

from django.test import override_settings

from gpu_worker.config import current
from reelremix.gpu import gpu_config_from_settings

PROVIDERS = ["CUDAExecutionProvider", "CPUExecutionProvider"]


def test_overridden_settings_reach_gpu_worker_and_are_undone_after() -> None:
    before = current()
    assert before == gpu_config_from_settings()
    with override_settings(DETECTOR_BATCH_SIZE=3, ONNX_PROVIDERS=PROVIDERS, OPENAI_API_KEY="sk-test"):
        assert current() == dataclasses.replace(
            before, detector_batch_size=3, onnx_providers=tuple(PROVIDERS), openai_api_key="sk-test"
        )
    assert current() == before


def test_the_config_keeps_its_keys_out_of_logs() -> None:
    with override_settings(OPENAI_API_KEY="sk-secret", GOOGLE_VISION_API_KEY="vision-secret"):
        assert "secret" not in repr(current())
