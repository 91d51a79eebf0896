"""The text reader on the PP-OCRv4 models shipped in the rapidocr-onnxruntime wheel: boxes from a shrunk
frame, in fractions of the full frame, read from the full frame."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gpu_worker.config import current
from gpu_worker.ocr import REC_HEIGHT, REC_MIN_WIDTH, TextLine, TextReader, crop, get_text_reader
from gpu_worker.tests.test_onnx import ShapeRecorder

CAPTION = "Subscribe now for more videos like this one, every single week of the year"


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


def _line(text: str, size: int, dark: bool) -> np.ndarray:
    font = ImageFont.load_default(size=size)
    background, ink = ((30, 30, 30), "white") if dark else ((230, 220, 200), "black")
    image = Image.new("RGB", (int(font.getlength(text)) + 12, int(size * 1.5)), background)
    ImageDraw.Draw(image).text((6, size // 5), text, font=font, fill=ink)
    return np.asarray(image)


def test_bucketed_widths_give_the_recogniser_three_input_shapes_and_read_as_well():
    plain = TextReader.from_config(current())  # unbucketed, as on a CPU: each line at its own width
    bucketed = TextReader(plain._detector, plain._recognizer, bucketed=True)
    words = CAPTION.split()
    texts = [" ".join(words[:count]) for count in range(1, len(words) + 1)]
    crops = [_line(text, size, dark) for size in (14, 20) for dark in (True, False) for text in texts]
    recorder = ShapeRecorder(plain._recognizer.session.session)
    plain._recognizer.session.session = recorder
    expected = plain.read(crops)
    plain_widths = {shape[3] for shape in recorder.shapes}
    recorder.shapes.clear()
    lines = bucketed.read(crops)

    def right(read: list[TextLine]) -> int:
        return sum(line.text == text for line, text in zip(read, texts * 4, strict=True))

    assert right(expected) >= 0.9 * len(crops) and right(lines) >= right(expected) - 1
    score_changes = [abs(ours.score - theirs.score) for ours, theirs in zip(lines, expected, strict=True)]
    assert np.mean(score_changes) < 0.02
    assert {shape[:3] for shape in recorder.shapes} == {(1, 3, REC_HEIGHT)}
    assert {shape[3] for shape in recorder.shapes} == {REC_MIN_WIDTH, 2 * REC_MIN_WIDTH, 4 * REC_MIN_WIDTH}
    assert len(plain_widths) > 20  # one shape per width of line
