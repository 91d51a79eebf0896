"""A tiny randomly initialised CLIP in open_clip's format, saved like a real checkpoint, so the real
loading and indexing code runs without the real weights (no package ships them)."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from gpu_worker.clip import Clip, ClipConfig

TINY_CONFIG = {
    "embed_dim": 512,  # as ViT-B-32: the segment column is vector(512)
    "vision_cfg": {"image_size": 64, "layers": 1, "width": 64, "patch_size": 16},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


def save_tiny_clip(folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """(weights .bin, config .json) of a tiny CLIP."""
    torch.manual_seed(seed)
    model = Clip(ClipConfig.from_json(TINY_CONFIG))
    weights, config = folder / f"tiny-clip-{seed}.bin", folder / "tiny-clip.json"
    torch.save(model.state_dict(), weights)
    config.write_text(json.dumps(TINY_CONFIG))
    return weights, config
