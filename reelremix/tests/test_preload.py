"""A worker process that takes the model stages' queues loads the pipeline's models as it boots, in the
background; one that only takes other queues, or runs with PRELOAD_WORKER_MODELS off, loads nothing."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import dramatiq
import pytest

from reelremix.gpu import PreloadModels, pipeline_models

EVERY_MODEL = {"frame detector", "transcriber", "text reader", "text embedder", "image embedder"}


def _boot(queues: set[str] | None) -> PreloadModels:
    """The middleware as a worker taking `queues` (None: every queue) boots; its preloading finished."""
    middleware = PreloadModels()
    middleware.after_worker_boot(dramatiq.get_broker(), SimpleNamespace(consumer_whitelist=queues))
    if middleware.thread is not None:
        middleware.thread.join(120)
        assert not middleware.thread.is_alive()
    return middleware


def _preloaded(caplog: pytest.LogCaptureFixture) -> set[str]:
    [record] = [r for r in caplog.records if r.getMessage().startswith("Models preloaded")]
    assert isinstance(record.args, dict)  # logging keeps a lone dict argument as the record's args
    return set(record.args)


def test_every_worker_process_has_the_middleware():
    assert any(isinstance(m, PreloadModels) for m in dramatiq.get_broker().middleware)
    assert set(pipeline_models()) == EVERY_MODEL


@pytest.mark.parametrize("queues", [None, {"gpu", "default"}, {"gpu.priority"}])
def test_a_worker_taking_the_model_stages_loads_every_model(settings, caplog, queues):
    settings.PRELOAD_WORKER_MODELS = True
    with caplog.at_level(logging.INFO, logger="reelremix.gpu"):
        assert _boot(queues).thread is not None
    assert _preloaded(caplog) == EVERY_MODEL


@pytest.mark.parametrize(("preload", "queues"), [(True, {"default", "default.priority"}), (False, None)])
def test_a_worker_without_model_stages_or_with_preloading_off_loads_nothing(
    settings, caplog, preload, queues
):
    settings.PRELOAD_WORKER_MODELS = preload
    with caplog.at_level(logging.INFO, logger="reelremix.gpu"):
        assert _boot(queues).thread is None
    assert not [r for r in caplog.records if r.getMessage().startswith("Models preloaded")]


def test_a_model_that_cannot_load_is_logged_and_the_others_still_load(settings, caplog, tmp_path):
    settings.PRELOAD_WORKER_MODELS = True
    settings.FACE_MODEL_PATH = str(tmp_path / "missing.onnx")
    with caplog.at_level(logging.INFO, logger="reelremix.gpu"):
        _boot(None)
    assert _preloaded(caplog) == EVERY_MODEL - {"frame detector"}
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage().startswith("Could not preload the frame detector: Cannot read the model file")
    assert "missing.onnx" in warning.getMessage() and not warning.exc_info  # a missing model: one line
