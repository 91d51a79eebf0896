"""gpu_worker's config, built from Django's settings: gpu_worker reads no settings of its own, so the
project hands them over once at start-up, and again whenever one changes (tests override them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

from gpu_worker.config import GPU_CONFIG_FIELDS, GpuConfig, configure

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
