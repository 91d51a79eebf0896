"""What gpu_worker hands back: plain numbers and words. The apps decide what they mean."""

from __future__ import annotations

from dataclasses import dataclass

from gpu_worker.errors import PermanentModelError, RetryableModelError

FACE = "FACE"  # the label of every face box, whichever detector found it


@dataclass(frozen=True)
class Box:
    """A detection in one frame. Coordinates are fractions (0..1) of the frame's width and height."""

    label: str  # FACE, a NudeNet class such as FEMALE_BREAST_EXPOSED, or a SafeSearch category (ADULT, RACY)
    score: float  # 0..1
    x1: float
    y1: float
    x2: float
    y2: float
    # The share of the box's pixels with a skin tone (gpu_worker.skin), measured by the detect stage;
    # None for a box with no colour to judge (grey footage) or where it was not measured.
    skin: float | None = None


@dataclass(frozen=True)
class Word:
    """One transcribed word, times in seconds from the start of the audio."""

    text: str
    start: float
    end: float
    probability: float  # the model's confidence in this word, 0..1


@dataclass(frozen=True)
class Alternative:
    """A reading the model also considered for a stretch of audio it was unsure of."""

    text: str  # the words of the reading, as the model wrote them
    start: float  # seconds: the stretch of audio, from the word before the doubted one to its end
    end: float
    probability: float  # the reading's share of the model's n-best readings there, 0..1


@dataclass(frozen=True)
class Transcript:
    """The words heard, and other readings of the words the model doubted."""

    words: list[Word]
    alternatives: list[Alternative]
    language: str = ""  # the language the words were heard in (ISO 639-1), asked for or detected; "": unknown


class ModelUnavailable(PermanentModelError):
    """A model's weights or credentials are not configured or cannot be loaded."""


class RemoteServiceError(RetryableModelError):
    """A remote model API (Google Vision, OpenAI) failed or timed out."""
