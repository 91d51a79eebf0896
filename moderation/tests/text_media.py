"""Videos with known text burned in: captions that change, a watermark that stays in a corner, drawn with
Pillow's bundled font on a moving background and encoded with PyAV (H.264): every word burned in is known."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Caption:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class TextVideo:
    """What a generated video shows: its captions (bottom centre) and its corner mark, if any."""

    path: Path
    duration: float
    captions: Sequence[Caption] = ()
    watermark: str = ""
    corner: str = "top-right"
    words: list[str] = field(default_factory=list)  # every word burned in, captions and mark


def make_text_video(
    path: Path, captions: Sequence[Caption], *, watermark: str = "", corner: str = "top-right",
    duration: float = 6.0, size: tuple[int, int] = (640, 360), fps: int = 5, seed: int = 0,
) -> TextVideo:  # fmt: skip
    """Captions at the bottom while their spans last, `watermark` in `corner` throughout, over a drifting
    colour field with moving blobs (so the picture is never still)."""
    width, height = size
    rng = np.random.default_rng(seed)
    blobs = rng.uniform(0, 1, size=(4, 4))  # x, y, speed, hue
    caption_font = ImageFont.load_default(size=max(12, height // 15))
    mark_font = ImageFont.load_default(size=max(10, height // 22))
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "ultrafast", "g": str(fps * 2)})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(round(duration * fps)):
            t = index / fps
            image = Image.fromarray(_background(width, height, t, blobs))
            draw = ImageDraw.Draw(image)
            for caption in captions:
                if caption.start <= t < caption.end:
                    _caption(draw, caption.text, caption_font, width, height)
            if watermark:
                _mark(draw, watermark, mark_font, width, height, corner)
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.asarray(image), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    words = [word for caption in captions for word in caption.text.split()] + watermark.split()
    return TextVideo(path, duration, tuple(captions), watermark, corner, words)


def _background(width: int, height: int, t: float, blobs: np.ndarray) -> np.ndarray:
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([60 + 40 * np.sin(xs / 90 + t), 70 + 30 * np.cos(ys / 70 - t / 2),
                     110 + 40 * np.sin((xs + ys) / 150 + t / 3)], axis=-1)  # fmt: skip
    for x, y, speed, hue in blobs:
        cx, cy = (x + 0.1 * speed * t) % 1 * width, (y + 0.07 * speed * t) % 1 * height
        inside = (xs - cx) ** 2 + (ys - cy) ** 2 < (height / 6) ** 2
        base[inside] = (200 * hue, 180 * (1 - hue), 120)
    return np.clip(base, 0, 255).astype(np.uint8)


def _caption(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
    height: int,
) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x, y = (width - (right - left)) / 2, height * 0.86 - (bottom - top)
    draw.rectangle((x - 8, y - 6, x + right - left + 8, y + bottom - top + 10), fill=(0, 0, 0))
    draw.text((x, y), text, font=font, fill=(255, 255, 255))


def _mark(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
    height: int,
    corner: str,
) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    margin_x, margin_y = width * 0.03, height * 0.04
    x = margin_x if corner.endswith("left") else width - margin_x - (right - left)
    y = margin_y if corner.startswith("top") else height - margin_y - (bottom - top) - 6
    draw.text((x, y), text, font=font, fill=(235, 235, 235), stroke_width=1, stroke_fill=(30, 30, 30))
