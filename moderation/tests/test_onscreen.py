"""Reading text on sampled frames with the real PP-OCR models: a slide is detected on once, and a line that
appears on it later is read."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gpu_worker.ocr import get_text_reader
from moderation.onscreen import ReadStats, read_frames
from tests.lossy import as_stored


def _slide(*lines: tuple[str, int]) -> np.ndarray:
    image = Image.new("RGB", (640, 360), (40, 90, 140))
    draw = ImageDraw.Draw(image)
    draw.text((60, 40), "Quarterly review", font=ImageFont.load_default(size=40), fill="white")
    for index, (text, size) in enumerate(lines):
        draw.text((60, 140 + 40 * index), text, font=ImageFont.load_default(size=size), fill="white")
    return np.asarray(image)


def test_a_slide_is_detected_on_once_and_a_small_line_built_onto_it_is_read():
    first = _slide(("revenue grew forty percent", 20))
    built = _slide(("revenue grew forty percent", 20), ("hiring plan", 16))  # one short line more, small
    frames = [(2.0 * i, as_stored(first if i < 3 else built, i)) for i in range(5)]
    stats = ReadStats()
    samples = read_frames(frames, get_text_reader(), stats)
    assert (stats.frames, stats.still) == (2, 3)
    texts = [" ".join(line["text"].lower() for line in sample["lines"]) for sample in samples]
    assert all("revenue" in text for text in texts)
    assert "hiring" not in texts[2] and all("hiring" in text for text in texts[3:])
