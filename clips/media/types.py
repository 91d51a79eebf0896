"""Values the clip renderers take and give back. Times are seconds of the source video; boxes are fractions
(0..1) of the displayed source frame, like everything the detectors produce."""

from __future__ import annotations

from dataclasses import dataclass

from media_jobs.media.types import AudioCensor, BlurTrack

# Output sizes by aspect ratio name: what the API and the page offer.
ASPECTS: dict[str, tuple[int, int]] = {"9:16": (1080, 1920), "1:1": (1080, 1080), "16:9": (1920, 1080)}
TARGET_LUFS = -14.0  # EBU R128 integrated loudness of every clip (what the platforms normalise to)


@dataclass(frozen=True)
class FaceBox:
    x1: float
    y1: float
    x2: float
    y2: float
    score: float


@dataclass(frozen=True)
class FaceSample:
    """The faces a detector saw on one sampled frame (none is an answer too: no face there)."""

    t: float
    faces: tuple[FaceBox, ...]


@dataclass(frozen=True)
class CaptionWord:
    """One spoken word as the transcript timed it."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class ClipSpec:
    """Everything a clip render needs besides the source file."""

    start: float
    end: float
    width: int  # output size, e.g. ASPECTS["9:16"]
    height: int
    faces: tuple[FaceSample, ...] = ()  # sampled face detections over (at least) the clip's span
    cuts: tuple[float, ...] = ()  # scene cut times: the crop may jump there instead of gliding
    words: tuple[CaptionWord, ...] = ()  # captions burned in word by word; empty: no captions
    blur: tuple[BlurTrack, ...] = ()  # the censor plan's boxes (source time, source frame fractions)
    audio: tuple[AudioCensor, ...] = ()  # the censor plan's bleeps and mutes (source time)
    loudness: float = TARGET_LUFS

    @property
    def duration(self) -> float:
        return self.end - self.start
