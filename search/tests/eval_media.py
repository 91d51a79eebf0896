"""Evaluation videos: a committed speech clip over flat colours, one colour per spoken topic, so the
video has a scene cut halfway through every pause between topics."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from media_jobs.media.ffmpeg import run_ffmpeg
from tests.media import SEARCH_EVAL_DIR

EVAL_CLIPS = ("townhall", "cooking", "travel")
COLOURS = ("red", "green", "blue", "yellow", "purple", "white")


def truth(name: str) -> dict[str, Any]:
    return json.loads((SEARCH_EVAL_DIR / f"{name}.json").read_text())


def scene_cuts(clip: dict[str, Any]) -> list[float]:
    """Where the colour changes: halfway through the pause after each topic but the last."""
    topics = clip["topics"]
    return [round((before["end"] + after["start"]) / 2, 3) for before, after in itertools.pairwise(topics)]


def make_eval_video(name: str, out: Path) -> Path:
    """`name`.flac over 160x120, 10 fps colour scenes (H.264 + AAC)."""
    clip = truth(name)
    bounds = [0.0, *scene_cuts(clip), clip["duration"]]
    args: list[str] = []
    for index, (start, end) in enumerate(itertools.pairwise(bounds)):
        colour = COLOURS[index % len(COLOURS)]
        args += ["-f", "lavfi", "-i", f"color=c={colour}:size=160x120:rate=10:duration={end - start:.3f}"]
    scenes = len(bounds) - 1
    args += ["-i", str(SEARCH_EVAL_DIR / f"{name}.flac")]
    concat = "".join(f"[{i}:v]" for i in range(scenes)) + f"concat=n={scenes}:v=1:a=0[v]"
    args += ["-filter_complex", concat, "-map", "[v]", "-map", f"{scenes}:a"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(out)]
    run_ffmpeg(args, what="making an evaluation video")
    return out
