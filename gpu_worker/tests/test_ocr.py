"""The text reader on the PP-OCRv4 models shipped in the rapidocr-onnxruntime wheel: boxes from a shrunk
frame, in fractions of the full frame, read from the full frame."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gpu_worker.ocr import crop, get_text_reader


def _frame() -> np.ndarray:
    image = Image.new("RGB", (640, 360), (40, 90, 140))
    draw = ImageDraw.Draw(image)
    draw.text((150, 290), "Q3 revenue grew forty percent", font=ImageFont.load_default(size=24), fill="white")
    draw.text((540, 15), "ACME", font=ImageFont.load_default(size=16), fill="white")
    return np.asarray(image)


def test_it_finds_text_boxes_on_a_shrunk_frame_and_reads_them_on_the_full_one():
    reader, frame = get_text_reader(), _frame()
    boxes = sorted(reader.detect(frame, 480), key=lambda box: box.y1)
    assert len(boxes) == 2
    mark, caption = boxes
    assert 0.8 < mark.x1 < mark.x2 <= 1.0 and mark.y2 < 0.15  # the top-right mark, in fractions
    assert caption.x1 < 0.3 and caption.y1 > 0.75
    lines = reader.read([crop(frame, box) for box in boxes])
    assert [line.text for line in lines] == ["ACME", "Q3 revenue grew forty percent"]
    assert all(line.score > 0.9 for line in lines)


def test_it_finds_nothing_on_a_frame_without_text():
    assert get_text_reader().detect(np.full((360, 640, 3), 120, np.uint8), 480) == []
    assert get_text_reader().read([]) == []
