"""open_clip's CLIP ViT (image and text towers) and CLIP's BPE tokenizer, without torchvision.

The open_clip package cannot be imported here: its `__init__` imports torchvision (a batch-norm helper
and its transforms), and the only torchvision wheels available are CUDA builds that would replace CPU
torch. So these modules rebuild open_clip's `CLIP` with the same parameter names and shapes, so that an
open_clip checkpoint (e.g. ViT-B-32's `open_clip_pytorch_model.bin`) loads with `strict=True`, and read
the model configs and the BPE vocabulary that the open_clip wheel ships. Images are prepared with
OpenCV and numpy as open_clip's eval transform does: shortest side resized (bicubic), centre crop,
normalised with CLIP's mean and std.
"""

from __future__ import annotations

import functools
import gzip
import html
import importlib.util
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import regex
import torch
from torch import nn

from gpu_worker.types import ModelUnavailable

CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)  # open_clip's OPENAI_DATASET_MEAN
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
VISION_HEAD_WIDTH = 64  # open_clip: vision heads = width // 64
BPE_MERGES = 49152 - 256 - 2  # merges used by CLIP's tokenizer (the file holds more)
TOKEN_PATTERN = regex.compile(
    r"""<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)


def open_clip_dir() -> Path:
    """The installed open_clip package's folder, found without importing it."""
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable("open_clip_torch is not installed (it ships the CLIP configs and vocabulary)")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class ClipConfig:
    """open_clip's model config JSON (embed_dim, vision_cfg, text_cfg), the fields a plain ViT CLIP uses."""

    embed_dim: int
    image_size: int
    patch_size: int
    vision_width: int
    vision_layers: int
    context_length: int
    vocab_size: int
    text_width: int
    text_heads: int
    text_layers: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipConfig:
        vision, text = data["vision_cfg"], data["text_cfg"]
        unsupported = {"timm_model_name", "hf_model_name", "attentional_pool"} & {*vision, *text}
        if unsupported:
            raise ModelUnavailable(f"CLIP configs with {', '.join(sorted(unsupported))} are not supported")
        return cls(
            embed_dim=data["embed_dim"], image_size=vision["image_size"], patch_size=vision["patch_size"],
            vision_width=vision["width"], vision_layers=vision["layers"],
            context_length=text.get("context_length", 77), vocab_size=text.get("vocab_size", 49408),
            text_width=text["width"], text_heads=text["heads"], text_layers=text["layers"],
        )  # fmt: skip

    @classmethod
    def named(cls, name: str) -> ClipConfig:
        """A config shipped by open_clip, such as ViT-B-32."""
        path = open_clip_dir() / "model_configs" / f"{name}.json"
        if not path.is_file():
            raise ModelUnavailable(f"open_clip has no model config named {name!r}")
        return cls.from_json(json.loads(path.read_text()))


class ResidualAttentionBlock(nn.Module):
    """open_clip's transformer block (pre-norm attention and MLP, GELU)."""

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(
            OrderedDict(
                [
                    ("c_fc", nn.Linear(width, width * 4)),
                    ("gelu", nn.GELU()),
                    ("c_proj", nn.Linear(width * 4, width)),
                ]
            )
        )

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor | None = None) -> torch.Tensor:
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=attn_mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int) -> None:
        super().__init__()
        self.resblocks = nn.ModuleList(ResidualAttentionBlock(width, heads) for _ in range(layers))

    def forward(self, x: torch.Tensor, attn_mask: torch.Tensor | None = None) -> torch.Tensor:
        for block in self.resblocks:
            x = block(x, attn_mask)
        return x


class VisionTransformer(nn.Module):
    """open_clip's VisionTransformer: patches, class token, ln_pre, blocks, ln_post, projection."""

    def __init__(self, config: ClipConfig) -> None:
        super().__init__()
        width, patches = config.vision_width, (config.image_size // config.patch_size) ** 2
        scale = width**-0.5
        self.conv1 = nn.Conv2d(3, width, config.patch_size, stride=config.patch_size, bias=False)
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(patches + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, config.vision_layers, width // VISION_HEAD_WIDTH)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, config.embed_dim))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.conv1(images).flatten(2).transpose(1, 2)  # [batch, patches, width]
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = self.ln_pre(torch.cat([cls, x], dim=1) + self.positional_embedding)
        x = self.ln_post(self.transformer(x))
        return x[:, 0] @ self.proj


class Clip(nn.Module):
    """open_clip's `CLIP` (ViT image tower, causal text transformer pooled at the end-of-text token)."""

    def __init__(self, config: ClipConfig) -> None:
        super().__init__()
        self.config = config
        self.visual = VisionTransformer(config)
        width = config.text_width
        self.transformer = Transformer(width, config.text_layers, config.text_heads)
        self.token_embedding = nn.Embedding(config.vocab_size, width)
        self.positional_embedding = nn.Parameter(torch.empty(config.context_length, width).normal_(std=0.01))
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.empty(width, config.embed_dim).normal_(std=width**-0.5))
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))
        mask = torch.full((config.context_length, config.context_length), float("-inf")).triu_(1)
        self.register_buffer("attn_mask", mask, persistent=False)

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        return nn.functional.normalize(self.visual(images), dim=-1)

    def encode_text(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(tokens) + self.positional_embedding
        x = self.ln_final(self.transformer(x, self.attn_mask))
        pooled = x[torch.arange(x.shape[0]), tokens.argmax(dim=-1)]  # the end-of-text token has the top id
        return nn.functional.normalize(pooled @ self.text_projection, dim=-1)


def load_clip(config: ClipConfig, weights: Path) -> Clip:
    """A CLIP with an open_clip checkpoint's weights (a state dict, .bin/.pt or .safetensors), eval mode."""
    if not weights.is_file():
        raise ModelUnavailable(f"CLIP_MODEL_PATH={weights} is not a file")
    try:
        if weights.suffix == ".safetensors":
            from safetensors.torch import load_file

            state: dict[str, torch.Tensor] = load_file(str(weights))
        else:
            loaded = torch.load(weights, map_location="cpu", weights_only=True)
            state = loaded.get("state_dict", loaded) if isinstance(loaded, dict) else {}
        state = {key.removeprefix("module."): value for key, value in state.items()}
        model = Clip(config)
        model.load_state_dict(state, strict=True)
    except (RuntimeError, OSError, KeyError, ValueError) as error:
        raise ModelUnavailable(f"The CLIP weights at {weights} do not load: {error}") from error
    return model.eval()


def prepare_images(images: Sequence[np.ndarray], size: int) -> torch.Tensor:
    """RGB uint8 frames to CLIP's input: shortest side to `size` (bicubic), centre crop, normalised."""
    batch = []
    for image in images:
        height, width = image.shape[:2]
        scale = size / min(height, width)
        resized = cv2.resize(
            image,
            (max(size, round(width * scale)), max(size, round(height * scale))),
            interpolation=cv2.INTER_CUBIC,
        )
        top, left = (resized.shape[0] - size) // 2, (resized.shape[1] - size) // 2
        crop = resized[top : top + size, left : left + size].astype(np.float32) / 255.0
        batch.append((crop - CLIP_MEAN) / CLIP_STD)
    return torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2).contiguous()


@functools.lru_cache(maxsize=1)
def _bytes_to_unicode() -> dict[int, str]:
    """CLIP's reversible map from bytes to printable characters."""
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    codes, extra = list(printable), 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, codes), strict=True))


class ClipTokenizer:
    """CLIP's byte-level BPE tokenizer (open_clip's SimpleTokenizer, without ftfy's text repairs)."""

    def __init__(self, vocabulary: Path, context_length: int) -> None:
        with gzip.open(vocabulary) as handle:
            merges = handle.read().decode("utf-8").split("\n")[1 : BPE_MERGES + 1]
        pairs = [tuple(merge.split()) for merge in merges]
        vocab = list(_bytes_to_unicode().values())
        vocab += [v + "</w>" for v in vocab] + ["".join(pair) for pair in pairs]
        vocab += ["<start_of_text>", "<end_of_text>"]
        self._encoder = {token: index for index, token in enumerate(vocab)}
        self._ranks = {pair: rank for rank, pair in enumerate(pairs)}
        self._context_length = context_length
        self.sot, self.eot = self._encoder["<start_of_text>"], self._encoder["<end_of_text>"]

    @classmethod
    def bundled(cls, context_length: int) -> ClipTokenizer:
        return cls(open_clip_dir() / "bpe_simple_vocab_16e6.txt.gz", context_length)

    def __call__(self, texts: Sequence[str]) -> torch.Tensor:
        """Token ids [len(texts), context_length]: start, the text's tokens (cut to fit), end, zeros."""
        out = torch.zeros(len(texts), self._context_length, dtype=torch.long)
        for row, text in enumerate(texts):
            ids = [*[self.sot, *self.encode(text)][: self._context_length - 1], self.eot]
            out[row, : len(ids)] = torch.tensor(ids)
        return out

    def encode(self, text: str) -> list[int]:
        cleaned = " ".join(html.unescape(html.unescape(text)).split()).lower()
        byte_map, ids = _bytes_to_unicode(), []
        for token in TOKEN_PATTERN.findall(cleaned):
            ids += [self._encoder[piece] for piece in self._bpe("".join(byte_map[b] for b in token.encode()))]
        return ids

    @functools.lru_cache(maxsize=10_000)  # noqa: B019  (one tokenizer per process; bounded)
    def _bpe(self, token: str) -> tuple[str, ...]:
        word = [*token[:-1], token[-1] + "</w>"]
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda pair: self._ranks.get(pair, float("inf")))
            if best not in self._ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return tuple(word)
