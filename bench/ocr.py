"""On-screen text and watermarks: `python -m bench ocr`.

Generated 30 s videos (moderation.tests.text_media: Pillow's bundled font on a moving colour field, 640x360,
H.264) with known burned-in captions (a new sentence every 3-6 s, bottom centre), half of them with a
watermark (a short name in a random corner for the whole video), the other half without; some of those
carry a transient caption in a corner for a few seconds (text in a corner that is not a watermark).
The frames are sampled as the extract stage samples them (one a second, longer side DETECTOR_MAX_SIDE)
and go through what the read_text stage and the analysis run (moderation.onscreen: frames to read, read,
corner marks) under the default policy.

Text recall: caption words found / caption words burned, a word found when its letters (lower case, no
punctuation) appear in what was read on a frame shown while its caption was up (spaces are not compared:
PP-OCR drops some). Watermark detection rate: videos with a mark whose mark the default policy queues;
false watermarks: videos without a mark that get a watermark flag. Time: read wall seconds per video minute.

Split: seeds 0-7 are the tuning half (READ_MAX_SIDE and READ_INTERVAL were compared on them; SAME_STROKES
and MIN_READ_SCORE were set on one 10 s video like the tests'), seeds 8-15 are held back, reported apart."""

from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
from django.conf import settings

SECONDS = 30.0
TUNE, REPORT = range(0, 8), range(8, 16)
WORDS = (
    *("revenue", "grew", "forty", "percent", "this", "quarter", "our", "team", "shipped", "the", "new"),
    *("pricing", "page", "customers", "asked", "for", "faster", "uploads", "and", "better", "search"),
    *("welcome", "to", "weekly", "review", "thanks", "watching", "please", "subscribe", "today", "budget"),
    *("forecast", "marketing", "launch", "results", "growth", "plan", "hiring", "update", "product"),
    *("roadmap", "security", "audit"),
)
MARKS = ("ACME TV", "NEWS 24", "STUDIO NINE", "KANAL 5", "PIXEL FILMS", "ORBIT")
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


@dataclass
class Outcome:
    words: int = 0
    found: int = 0
    marked: int = 0
    marks_found: int = 0
    unmarked: int = 0
    false_marks: int = 0
    seconds: float = 0.0
    minutes: float = 0.0
    misses: list[str] = field(default_factory=list)


def _captions(rng: np.random.Generator) -> list[Any]:
    from moderation.tests.text_media import Caption

    captions, t = [], 0.0
    while t < SECONDS - 2:
        length = float(rng.uniform(3, 6))
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(2, 6))))
        captions.append(Caption(text, t, min(SECONDS, t + length)))
        t += length
    return captions


def _video(folder: Path, seed: int, marked: bool) -> Any:
    from moderation.tests.text_media import Caption, make_text_video

    rng = np.random.default_rng(seed * 2 + marked)
    captions = _captions(rng)
    corner = str(rng.choice(CORNERS))
    if not marked and seed % 2:  # a title card in a corner for a few seconds: text, not a watermark
        captions = [*captions, Caption(str(rng.choice(MARKS)), 10.0, 14.0)]
    mark = str(rng.choice(MARKS)) if marked else ""
    return make_text_video(folder / f"{seed}-{marked}.mp4", captions, watermark=mark, corner=corner,
                           duration=SECONDS, seed=seed)  # fmt: skip


def sampled_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    """One frame a second, the longer side at DETECTOR_MAX_SIDE (as the extract stage stores them)."""
    frames = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and abs(frame.time - round(frame.time)) < 1e-3:
                image = frame.to_ndarray(format="rgb24")
                scale = settings.DETECTOR_MAX_SIDE / max(image.shape[:2])
                size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
                frames.append((float(frame.time), cv2.resize(image, size, interpolation=cv2.INTER_AREA)))
    return frames


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _score(video: Any, samples: list[dict[str, Any]], outcome: Outcome) -> None:
    for caption in video.captions:
        seen = "".join(_letters(line["text"]) for s in samples if caption.start <= s["t"] < caption.end
                       for line in s["lines"])  # fmt: skip
        for word in caption.text.split():
            outcome.words += 1
            outcome.found += _letters(word) in seen
            if _letters(word) not in seen:
                outcome.misses.append(word)


def _run(video: Any, reader: Any, outcome: Outcome) -> None:
    from moderation import onscreen
    from moderation.models import Policy

    policy = Policy()
    frames = sampled_frames(video.path)
    started = time.perf_counter()
    chosen = [frames[i] for i in onscreen.frames_to_read([t for t, _ in frames])]
    samples = onscreen.read_frames(chosen, reader, onscreen.ReadStats())
    marks = onscreen.corner_marks(samples, onscreen.READ_INTERVAL, video.duration, policy.watermark_corner)
    outcome.seconds += time.perf_counter() - started
    outcome.minutes += video.duration / 60
    flagged = [mark for mark in marks if mark.share >= policy.watermark_review_above]
    _score(video, samples, outcome)
    if video.watermark:
        outcome.marked += 1
        outcome.marks_found += bool(flagged)
    else:
        outcome.unmarked += 1
        outcome.false_marks += bool(flagged)


def _half(seeds: range, folder: Path, reader: Any) -> Outcome:
    outcome = Outcome()
    for seed in seeds:
        for marked in (True, False):
            _run(_video(folder, seed, marked), reader, outcome)
    return outcome


def _summary(outcome: Outcome) -> dict[str, Any]:
    return {
        "text_recall": round(outcome.found / max(outcome.words, 1), 3),
        "words": outcome.words,
        "watermark_detection_rate": f"{outcome.marks_found}/{outcome.marked}",
        "false_watermarks": f"{outcome.false_marks}/{outcome.unmarked}",
        "read_seconds_per_video_minute": round(outcome.seconds / max(outcome.minutes, 1e-9), 2),
        "missed_words": outcome.misses[:20],
    }


def main() -> None:
    from gpu_worker.ocr import get_text_reader

    reader = get_text_reader()
    with tempfile.TemporaryDirectory() as scratch:
        results = {name: _summary(_half(seeds, Path(scratch), reader))
                   for name, seeds in (("tuning", TUNE), ("held back", REPORT))}  # fmt: skip
    out = Path(settings.VAR_DIR) / "bench" / "ocr.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
