"""Values the recap renderer takes and gives back. The recap's footage is one or more source videos played
one after another: cuts are in seconds of that footage timeline; each source's faces and censor plan are
in its own seconds, as moderation hands them to every renderer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clips.media.types import FaceSample
from media_jobs.media.types import AudioCensor, BlurTrack, MediaInfo, UnplayableMedia

CARD_SECONDS = 2.5  # an intro or outro title card
CROSSFADE = 0.4  # seconds, between scenes and cards


@dataclass(frozen=True)
class Source:
    """One source video: its file and facts, where it starts on the footage timeline, and the faces the
    detector saw in it and its censor plan, in its own seconds."""

    path: Path
    info: MediaInfo
    offset: float = 0.0
    faces: tuple[FaceSample, ...] = ()  # the crop of each cut follows them
    blur: tuple[BlurTrack, ...] = ()
    audio: tuple[AudioCensor, ...] = ()

    @property
    def end(self) -> float:
        return self.offset + self.info.duration


def source_at(sources: Sequence[Source], t: float) -> Source:
    """The source that second t of the footage timeline belongs to."""
    return next((source for source in reversed(sources) if source.offset <= t + 1e-6), sources[0])


@dataclass(frozen=True)
class Cut:
    """One continuous run of footage in the recap (seconds of the footage timeline, within one source)."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class RecapScene:
    """One scene of the script: its footage, played cut after cut, and what is heard or read over it.

    The scene lasts the sum of its cuts. With narration, `narration` is the span of the narration file
    (narration seconds) spoken over this scene; without, `caption` (the script's text) is burned in over
    the footage and the source sound plays."""

    cuts: tuple[Cut, ...]
    caption: str = ""
    narration: tuple[float, float] | None = None

    @property
    def duration(self) -> float:
        return sum(cut.duration for cut in self.cuts)


@dataclass(frozen=True)
class RecapSpec:
    """Everything a recap render needs besides the sources and the narration file."""

    scenes: tuple[RecapScene, ...]
    width: int
    height: int
    crossfade: float = CROSSFADE  # seconds, between scenes (cuts inside a scene are hard cuts)
    intro: str = ""  # a title card's text before the first scene; empty: none
    outro: str = ""  # after the last


class NarrationRefused(UnplayableMedia):
    """The narration file cannot be used (not audio, silent, too few pauses): the message says why.

    Permanent, like UnplayableMedia: the same file fails the same way on a retry."""


@dataclass(frozen=True)
class RecapReport:
    """What a recap render did (JSON-ready: it is stored with the rendition)."""

    duration: float  # seconds of output video
    width: int
    height: int
    scenes: int
    cuts: int
    cards: int  # intro and outro title cards
    longest_cut: float  # seconds
    source_seconds: float  # distinct seconds of the source shown (overlapping cuts count once)
    crossfade: float  # seconds, the crossfade used between parts (shortened for very short parts)
    narration_seconds: float  # seconds of narration placed over the scenes
    narration_cut: float  # seconds of narration dropped: spans longer than their scene's room
    captioned_scenes: int  # scenes with their caption burned in (no narration over them)
    blurred_frames: int  # frames with a censor box blurred, over all cuts
    seconds: float  # wall time of the render
    reused_scenes: int = (
        0  # scenes kept by an earlier try of the same render (SceneStore), not rendered again
    )
