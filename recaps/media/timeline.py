"""Where things land on the recap's timeline: parts, captions and narration spans. Pure arithmetic.

The recap is a row of parts (an intro card, the scenes, an outro card) joined by crossfades, as
clips.media.compile joins them: each join overlaps two parts by the crossfade, so part i starts at the sum
of the earlier parts' durations less one crossfade each. A scene's narration starts where its scene
starts (the first frame of its incoming crossfade) and has until the next part starts for room: it never
plays under the next scene's narration, and a span longer than its room is cut there (with a short fade).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from clips.media.types import CaptionWord
from recaps.media.types import Cut, RecapScene, RecapSpec


@dataclass(frozen=True)
class Placement:
    """One scene's narration span on the output timeline."""

    at: float  # output seconds where the span starts
    start: float  # the span, in narration seconds
    end: float
    room: float  # output seconds until the next part starts (or the recap ends)

    @property
    def length(self) -> float:
        """Seconds of the span that play: all of it, or as much as its room holds."""
        return max(min(self.end - self.start, self.room), 0.0)


def crossfade_for(durations: Sequence[float], crossfade: float) -> float:
    """The crossfade the compilation uses: none for one part, never more than half the shortest part."""
    return min(crossfade, *(duration / 2 for duration in durations)) if len(durations) > 1 else 0.0


def part_starts(durations: Sequence[float], fade: float) -> list[float]:
    """Output seconds where each part starts (its incoming crossfade's first frame)."""
    return [0.0, *accumulate(duration - fade for duration in durations[:-1])]


def scene_starts(spec: RecapSpec, card_seconds: float) -> list[float]:
    """Output seconds where each scene would start, from the spec's own durations (before rendering).

    `card_seconds` is the length of one title card; the rendered times differ by less than a frame a cut."""
    durations = [scene.duration for scene in spec.scenes]
    cards_before = 1 if spec.intro.strip() else 0
    cards = [card_seconds] * cards_before + durations + [card_seconds] * (1 if spec.outro.strip() else 0)
    starts = part_starts(cards, crossfade_for(cards, spec.crossfade))
    return starts[cards_before : cards_before + len(durations)]


def placements(
    scenes: Sequence[RecapScene], starts: Sequence[float], durations: Sequence[float], fades: Sequence[float]
) -> list[Placement | None]:
    """Each scene's narration on the output timeline (None for a scene without narration).

    `starts` and `durations` are the scenes' own, as rendered; `fades` the crossfade out of each scene
    (0 for the recap's last part): a scene has room until the next part starts."""
    return [
        Placement(start, *scene.narration, room=duration - fade) if scene.narration is not None else None
        for scene, start, duration, fade in zip(scenes, starts, durations, fades, strict=True)
    ]


def union_seconds(cuts: Sequence[Cut]) -> float:
    """Seconds of the source covered by the cuts, overlapping cuts counted once."""
    covered, reach = 0.0, float("-inf")
    for cut in sorted(cuts, key=lambda cut: cut.start):
        covered += max(cut.end - max(cut.start, reach), 0.0)
        reach = max(reach, cut.end)
    return covered


def caption_words(text: str, length: float) -> list[CaptionWord]:
    """The caption's words spread over [0, length] seconds of its scene, each for a time in proportion
    to its length in characters (plus one, for the space), as a reader's eye would take them."""
    words = text.split()
    weights = list(accumulate(len(word) + 1 for word in words))
    if not words or length <= 0:
        return []
    scale = length / weights[-1]
    starts = [0.0, *(weight * scale for weight in weights[:-1])]
    return [
        CaptionWord(word, start, weight * scale)
        for word, start, weight in zip(words, starts, weights, strict=True)
    ]


def words_for_cut(words: Sequence[CaptionWord], cuts: Sequence[Cut], index: int) -> tuple[CaptionWord, ...]:
    """The scene's caption words (scene seconds) shown during cut `index`, in that cut's source seconds.

    A word that starts in an earlier cut keeps going in this one: the clip renderer shows it from the
    cut's first frame."""
    offset = sum(cut.duration for cut in cuts[:index])
    cut = cuts[index]
    shift = cut.start - offset
    return tuple(
        CaptionWord(word.text, word.start + shift, word.end + shift)
        for word in words
        if word.end > offset and word.start < offset + cut.duration
    )
