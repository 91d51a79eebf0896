"""What a moderator sees of each flag on the case page: the frame and box, or the words around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from media_jobs import artifacts
from media_jobs.models import Job
from moderation.models import Case, Flag, Kind
from moderation.stages import MODERATION, TRANSCRIPT

CONTEXT_SECONDS = 2.0  # words shown before and after a profanity hit


@dataclass
class FlagRow:
    flag: Flag
    box: dict[str, float] | None = None  # percentages of the frame, for the preview's overlay
    words: list[tuple[str, bool]] = field(default_factory=list)  # (word, inside the hit)


def _analysis_job(case: Case) -> Job | None:
    return case.video.jobs.filter(kind=MODERATION).order_by("-created_at").first()


def _box_percent(keyframe: dict[str, Any]) -> dict[str, float]:
    left, top = 100 * keyframe["x1"], 100 * keyframe["y1"]
    return {
        "left": left,
        "top": top,
        "width": 100 * keyframe["x2"] - left,
        "height": 100 * keyframe["y2"] - top,
    }


def _words_around(flag: Flag, words: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    near = [
        w
        for w in words
        if w["end"] >= flag.start - CONTEXT_SECONDS and w["start"] <= flag.end + CONTEXT_SECONDS
    ]
    return [(w["text"].strip(), w["start"] < flag.end and w["end"] > flag.start) for w in near]


def flag_rows(case: Case, flags: list[Flag]) -> list[FlagRow]:
    """Each flag with its evidence: the box on its frame (visual) or the words around it (speech)."""
    job = _analysis_job(case)
    transcript = (artifacts.load_json(job, TRANSCRIPT) if job else None) or {}
    rows = []
    for flag in flags:
        keyframe = flag.shown_keyframe
        row = FlagRow(flag, box=_box_percent(keyframe) if keyframe else None)
        if flag.kind == Kind.PROFANITY:
            row.words = _words_around(flag, transcript.get("words", []))
        rows.append(row)
    return rows


def flag_frame(flag: Flag) -> bytes | None:
    """The JPEG of the sampled frame at the flag's shown keyframe."""
    keyframe, job = flag.shown_keyframe, _analysis_job(flag.case)
    if keyframe is None or job is None:
        return None
    return artifacts.frame_jpeg_near(job, keyframe["t"])
