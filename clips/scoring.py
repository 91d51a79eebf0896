"""How likely a window is to work as a short, and how safe it is to post: each part is a value from 0 to 1
with a sentence that explains it, shown on the clip's page and in the API.

    hook          the first 3 seconds: a question, a number, a strong claim, a rise in loudness
    density       how much is said per second
    centrality    how close what is said is to what the whole video is about (search's embeddings)
    energy        loudness against the video's own, and how often the picture cuts
    completeness  a whole thought: starts on a sentence, not on "and"/"but", ends on a full stop

The score is the weighted sum of those, lowered by the moderation risk: a flag a moderator has yet to
decide halves it (and the clip is not safe to post); a flag that is censored in the output lowers it a
little (the clip is safe: the output blurs or bleeps it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from clips.analysis import Analysis, FlagView

HOOK_SECONDS = 3.0
WEIGHTS = {"hook": 0.25, "density": 0.15, "centrality": 0.25, "energy": 0.15, "completeness": 0.20}
UNRESOLVED_PENALTY = 0.5  # share of the score a flag waiting for a moderator takes away
CENSORED_PENALTY = 0.1  # ... and one censored in the output
BRISK_WORDS_PER_SECOND = 2.8  # a lively speaker; density 1.0 at or above this
BUSY_CUTS_PER_MINUTE = 12.0  # energy's cut-rate half is 1.0 at or above this
LOUDNESS_SPAN_DB = 12.0  # energy's loudness half goes from 0 to 1 over this range around the median
RISE_DB = 6.0  # a hook's loudness rise: the first 3 s this much louder than the 3 s before

NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "thirty", "fifty", "hundred", "thousand", "million", "billion", "half", "double", "first",
}  # fmt: skip
CLAIM_WORDS = {
    "never", "always", "best", "worst", "secret", "biggest", "only", "must", "mistake", "truth", "nobody",
    "everyone", "every", "stop", "wrong", "free", "new", "most", "huge", "shocking", "actually", "why",
    "how", "what", "love", "hate", "amazing", "incredible", "fastest", "cheapest",
}  # fmt: skip
CONNECTIVES = {"and", "but", "so", "because", "or", "then", "which", "also", "plus", "that"}
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Part:
    value: float
    why: str


@dataclass(frozen=True)
class Scored:
    start: float
    end: float
    text: str
    score: float
    parts: dict[str, Part]
    risk: float
    safe_to_post: bool
    safety: str

    def breakdown(self) -> dict[str, Any]:
        parts: dict[str, Any] = {
            name: {"value": round(part.value, 3), "weight": WEIGHTS[name], "why": part.why}
            for name, part in self.parts.items()
        }
        parts["risk"] = {"value": round(self.risk, 3), "weight": None, "why": self.safety}
        return parts


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def hook(analysis: Analysis, start: float, end: float) -> Part:
    opening = analysis.words_between(start, min(end, start + HOOK_SECONDS))
    text = " ".join(str(word["text"]) for word in opening)
    found = []
    if "?" in text or (opening and tokens(text)[:1] and tokens(text)[0] in {"why", "how", "what", "who"}):
        found.append((0.4, "opens with a question"))
    if any(token.isdigit() or token in NUMBER_WORDS for token in tokens(text)):
        found.append((0.3, "names a number"))
    claims = sorted({token for token in tokens(text) if token in CLAIM_WORDS})
    if claims:
        found.append((0.3, f"makes a strong claim ({', '.join(claims[:3])})"))
    rise = _loudness_rise(analysis, start)
    if rise >= RISE_DB:
        found.append((0.3, f"gets {rise:.0f} dB louder than the seconds before"))
    if not found:
        return Part(0.0, "nothing in the first 3 s grabs attention (no question, number, claim or rise)")
    return Part(min(1.0, sum(value for value, _ in found)), "The first 3 s " + "; ".join(w for _, w in found))


def _loudness_rise(analysis: Analysis, start: float) -> float:
    before = analysis.loudness_between(max(0.0, start - HOOK_SECONDS), start)
    opening = analysis.loudness_between(start, start + HOOK_SECONDS)
    if start < HOOK_SECONDS / 2 or not len(before) or not len(opening):
        return 0.0
    return float(np.mean(opening) - np.mean(before))


def density(analysis: Analysis, start: float, end: float) -> Part:
    said = len(analysis.words_between(start, end))
    rate = said / max(end - start, 0.1)
    return Part(min(1.0, rate / BRISK_WORDS_PER_SECOND), f"{rate:.1f} words per second ({said} words)")


def centrality(analysis: Analysis, start: float, end: float, rank: float | None) -> Part:
    """`rank`: the share of this video's candidate windows that are less central than this one."""
    if rank is None:
        return Part(0.0, "nothing said here is indexed for meaning")
    return Part(rank, f"closer to what the whole video is about than {rank:.0%} of the other candidates")


def energy(analysis: Analysis, start: float, end: float) -> Part:
    level = analysis.loudness_between(start, end)
    median = float(np.median(analysis.loudness)) if len(analysis.loudness) else 0.0
    relative = float(np.mean(level)) - median if len(level) else 0.0
    loud = min(1.0, max(0.0, (relative + LOUDNESS_SPAN_DB / 2) / LOUDNESS_SPAN_DB))
    cuts = len(analysis.cuts_between(start, end)) * 60.0 / max(end - start, 1.0)
    busy = min(1.0, cuts / BUSY_CUTS_PER_MINUTE)
    why = f"{relative:+.1f} dB against the video's median loudness, {cuts:.1f} cuts per minute"
    return Part(0.6 * loud + 0.4 * busy, why)


def completeness(analysis: Analysis, start: float, end: float, on_cut: bool) -> Part:
    said = analysis.words_between(start, end)
    if not said:
        return Part(0.5 if on_cut else 0.3, "no speech: a scene" + (" from cut to cut" if on_cut else ""))
    value, notes = 0.4, ["starts on a sentence"]
    first = tokens(str(said[0]["text"]))
    if first and first[0] not in CONNECTIVES:
        value += 0.2
    else:
        notes.append(f'but opens with "{first[0] if first else ""}"')
    if str(said[-1]["text"]).rstrip().endswith((".", "!", "?")):
        value += 0.3
        notes.append("ends on a full stop")
    else:
        notes.append("ends mid-thought")
    if on_cut:
        value += 0.1
        notes.append("begins on a scene cut")
    return Part(min(1.0, value), ", ".join(notes))


def risk(flags: list[FlagView], case_state: str, start: float, end: float) -> tuple[float, bool, str]:
    """(risk 0..1, safe to post, why) from the flags in the window and what became of them."""
    if case_state == "rejected":
        return 1.0, False, "the video was rejected by a moderator"
    inside = [flag for flag in flags if flag.overlaps(start, end)]
    unresolved = [flag for flag in inside if flag.outcome == "unresolved"]
    censored = [flag for flag in inside if flag.outcome == "censored"]
    if unresolved:
        what = ", ".join(sorted({f"{f.kind} at {f.start:.0f} s" for f in unresolved})[:3])
        return 1.0, False, f"{len(unresolved)} flag(s) wait for a moderator ({what})"
    if censored:
        kinds = ", ".join(sorted({flag.kind for flag in censored}))
        return 0.2, True, f"{len(censored)} flag(s) censored in the clip ({kinds})"
    return 0.0, True, "no flag in this window"


def combine(parts: dict[str, Part], risk_value: float, safe: bool) -> float:
    base = sum(WEIGHTS[name] * part.value for name, part in parts.items())
    penalty = UNRESOLVED_PENALTY if not safe else CENSORED_PENALTY * (risk_value > 0)
    return round(base * (1.0 - penalty), 4)
