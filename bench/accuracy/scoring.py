"""What moderation makes of a clip's transcript, scored against the clip's manifest entry: profane words
caught (bleeped automatically, or sent to review) and alarms where nothing profane was said."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gpu_worker.types import Transcript
from moderation.models import Action, Kind, Policy
from moderation.profanity import NEAR_MISS, NearMiss, find_profanity
from moderation.services import WORD_PADDING

COVERED = 0.5  # a word is caught when flags of the action cover at least this share of it


@dataclass(frozen=True)
class Finding:
    """A profanity flag as analysis would make it: its span in seconds and the policy's action."""

    start: float
    end: float
    action: str


@dataclass
class Score:
    """Counts over a set of clips, and the rates the issue's targets are stated in."""

    words: int = 0
    caught_with_review: int = 0
    caught_automatically: int = 0
    clean_seconds: float = 0.0
    false_bleeps: int = 0  # automatic bleeps in clean clips
    false_reviews: int = 0  # flags sent to a moderator in clean clips
    stray_bleeps: int = 0  # automatic bleeps in profane clips over no profane word

    @property
    def recall_with_review(self) -> float:
        return self.caught_with_review / max(self.words, 1)

    @property
    def recall_automatic(self) -> float:
        return self.caught_automatically / max(self.words, 1)

    def per_ten_minutes(self, count: int) -> float:
        return count * 600 / max(self.clean_seconds, 1e-9)


def findings(transcript: Transcript, policy: Policy, near_miss: NearMiss = NEAR_MISS) -> list[Finding]:
    """The profanity flags (span and action) that analysis makes of the transcript under the policy."""
    made = []
    for hit in find_profanity(transcript.words, policy.extra_terms, transcript.alternatives, near_miss):
        action = policy.action_for(Kind.PROFANITY, hit.confidence, certain=hit.certain)
        if action != Action.IGNORE:
            made.append(Finding(max(0.0, hit.start - WORD_PADDING), hit.end + WORD_PADDING, action))
    return made


def score(clips: Iterable[tuple[dict[str, Any], list[Finding]]]) -> Score:
    """The score of each clip's findings against its manifest entry, summed."""
    total = Score()
    for clip, found in clips:
        bleeps = [finding for finding in found if finding.action == Action.CENSOR]
        if clip["kind"] == "clean":
            total.clean_seconds += clip["duration"]
            total.false_bleeps += len(bleeps)
            total.false_reviews += len(found) - len(bleeps)
            continue
        words = clip["profanity"]
        total.words += len(words)
        total.caught_with_review += sum(_covered(word, found) for word in words)
        total.caught_automatically += sum(_covered(word, bleeps) for word in words)
        total.stray_bleeps += sum(not any(_overlap(bleep, word) > 0 for word in words) for bleep in bleeps)
    return total


def _covered(word: dict[str, Any], found: list[Finding]) -> bool:
    length = word["end"] - word["start"]
    return sum(_overlap(finding, word) for finding in found) >= COVERED * length


def _overlap(finding: Finding, word: dict[str, Any]) -> float:
    return max(0.0, min(finding.end, word["end"]) - max(finding.start, word["start"]))
