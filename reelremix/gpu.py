"""gpu_worker's config, built from Django's settings: gpu_worker reads no settings of its own, so the
project hands them over once at start-up, and again whenever one changes (tests override them)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
from django.conf import settings
from django.core.signals import setting_changed
from dramatiq.middleware import Middleware

from gpu_worker.config import GPU_CONFIG_FIELDS, GpuConfig, configure
from gpu_worker.types import ModelUnavailable

logger = logging.getLogger(__name__)

# The Django settings gpu_worker's config is made of: each field's name in capitals.
GPU_SETTINGS = frozenset(name.upper() for name in GPU_CONFIG_FIELDS)


def gpu_config_from_settings() -> GpuConfig:
    """gpu_worker's config as Django's settings give it now."""
    values = {name: getattr(settings, name.upper()) for name in GPU_CONFIG_FIELDS}
    return GpuConfig(**{**values, "onnx_providers": tuple(values["onnx_providers"])})


def configure_gpu_worker() -> None:
    """Hand gpu_worker its config now, and a new one each time one of its settings changes."""
    configure(gpu_config_from_settings())
    setting_changed.connect(_reconfigure, dispatch_uid="reelremix.gpu.reconfigure")


def _reconfigure(*, setting: str, **kwargs: Any) -> None:
    """A changed gpu setting (override_settings in tests) takes effect at the next model getter."""
    if setting in GPU_SETTINGS:
        configure(gpu_config_from_settings())


# Where the model stages' messages go (of settings.DRAMATIQ_QUEUES).
GPU_QUEUES = frozenset({"gpu", "gpu.priority"})


def pipeline_models() -> dict[str, Callable[[], object]]:
    """The getters of what a video's moderation and indexing load, in the order its stages first need them
    (imported here: gpu_worker's runtimes take a second to import, which a web process need not pay)."""
    from gpu_worker.detection import get_frame_detector
    from gpu_worker.embeddings import get_image_embedder, get_text_embedder
    from gpu_worker.ocr import get_text_reader
    from gpu_worker.transcribe import get_transcriber

    return {
        "frame detector": get_frame_detector,
        "transcriber": get_transcriber,
        "text reader": get_text_reader,
        "text embedder": get_text_embedder,
        "image embedder": get_image_embedder,
    }


def preload_models() -> dict[str, float]:
    """Load every model of the pipeline into this process now; the seconds each took. A model that cannot
    load is logged and left: the stage that needs it reports the error to its job."""
    seconds = {}
    for name, load in pipeline_models().items():
        started = time.monotonic()
        try:
            load()
        except Exception as error:  # a missing model says why in one line; anything else with its traceback
            logger.warning(
                "Could not preload the %s: %s", name, error, exc_info=not isinstance(error, ModelUnavailable)
            )
            continue
        seconds[name] = round(time.monotonic() - started, 2)
    logger.info("Models preloaded: %s", seconds)
    return seconds


class PreloadModels(Middleware):
    """A worker process that takes the model stages' queues loads their models as it boots, in the background
    (unless PRELOAD_WORKER_MODELS is off): the first video after a worker starts does not wait for them (the
    text embedder alone takes about 6 s, with torch's start-up). A stage that needs a model still loading
    waits for it, no longer (the models are built under a lock)."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        queues = getattr(worker, "consumer_whitelist", None)  # None: every queue
        if not settings.PRELOAD_WORKER_MODELS or (queues is not None and not GPU_QUEUES & set(queues)):
            return
        self.thread = threading.Thread(target=preload_models, name="preload-models", daemon=True)
        self.thread.start()
