"""The profanity evaluation set, built deterministically: espeak-ng speech (the sentences of `lines.py`),
music or noise under part of some clips, WAV files plus a manifest of where every profane word is.

    python -m bench.accuracy build [OUT_DIR]    # default: $REELREMIX_VAR_DIR/bench/accuracy/set

Needs libespeak-ng 1.51 (`make espeak`). The manifest is committed (`manifest.json` beside this file);
the audio (34 MB) is not: `python -m bench accuracy` builds it when it is missing.

Split: voice i speaks only in half i % 2 ("tune" or "test"), so thresholds are tuned on clips whose
sentences and voices the held-back half never uses.
"""

from __future__ import annotations

import array
import json
import random
import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from bench.accuracy import backgrounds
from bench.accuracy.lines import (
    OBJECTS,
    PLACES,
    PROFANE_LINES,
    SOUND_ALIKE_LINES,
    SUBJECTS,
    VERBS,
    VOICES,
    Voice,
)
from tests.media.speech.make_speech import Line, Synthesizer

COMMITTED_MANIFEST = Path(__file__).resolve().parent / "manifest.json"
HALVES = ("tune", "test")
BACKGROUNDS = ("none", "noise", "music")
BACKGROUND_SPAN = (0.2, 0.8)  # the fraction of a clip that has its background under it
SNR_DB = 10.0  # speech over background
PAUSE_SECONDS = 0.4  # silence between sentences, on top of espeak's own
CLEAN_CLIPS = 24  # of LINES_PER_CLIP sentences each: a little over 10 minutes of clean speech
LINES_PER_CLIP = 8
SEED = 15  # the number: fillers and noise


@dataclass(frozen=True)
class ClipPlan:
    """One clip of the set: what is said, by whom, over what, and in which half."""

    name: str
    kind: str  # "profane" or "clean"
    voice_index: int
    background: str
    lines: tuple[str, ...]
    voices: tuple[Voice, ...] = VOICES  # voice_index indexes these

    @property
    def voice(self) -> Voice:
        return self.voices[self.voice_index]

    @property
    def half(self) -> str:
        return HALVES[self.voice_index % 2]


def plan() -> list[ClipPlan]:
    """Every clip of the set, in order: the profane clips (one per voice), then the clean ones."""
    clips = [
        ClipPlan(f"profane-{index:02d}", "profane", index, BACKGROUNDS[index % 3], lines)
        for index, lines in enumerate(PROFANE_LINES)
    ]
    clean = [*SOUND_ALIKE_LINES, *filler_lines(CLEAN_CLIPS * LINES_PER_CLIP - len(SOUND_ALIKE_LINES))]
    for index in range(CLEAN_CLIPS):
        lines = tuple(clean[index * LINES_PER_CLIP : (index + 1) * LINES_PER_CLIP])
        clips.append(
            ClipPlan(f"clean-{index:02d}", "clean", index % len(VOICES), BACKGROUNDS[index % 3], lines)
        )
    return clips


def filler_lines(count: int) -> list[str]:
    """`count` different clean sentences, each naming a thing that sounds a little like profanity."""
    rng = random.Random(SEED)  # noqa: S311 (a fixed seed, for sentences)
    made: dict[str, None] = {}
    while len(made) < count:
        parts = (rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(PLACES))
        made[" ".join(parts) + "."] = None
    return list(made)


def split(clips: Iterable[ClipPlan]) -> dict[str, list[ClipPlan]]:
    """The clips of each half."""
    halves: dict[str, list[ClipPlan]] = {half: [] for half in HALVES}
    for clip in clips:
        halves[clip.half].append(clip)
    return halves


def build(out_dir: Path, clips: Iterable[ClipPlan] | None = None) -> dict[str, Any]:
    """Write each clip (default: all) as `<name>.wav` into out_dir, and their manifest.json; return it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    synthesizer = Synthesizer()
    entries = [_make_clip(clip, synthesizer, out_dir) for clip in (plan() if clips is None else clips)]
    manifest = {"sample_rate": synthesizer.sample_rate, "clips": entries}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def _make_clip(clip: ClipPlan, synthesizer: Synthesizer, out_dir: Path) -> dict[str, Any]:
    rate = synthesizer.sample_rate
    speech, profanity = _speak(clip, synthesizer)
    audio = _with_background(np.asarray(speech, dtype=np.float64), clip, rate)
    with wave.open(str(out_dir / f"{clip.name}.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(audio.tobytes())
    voice = clip.voice
    return {
        "name": clip.name, "half": clip.half, "kind": clip.kind, "background": clip.background,
        "voice": voice.name, "rate": voice.rate, "pitch": voice.pitch,
        "duration": _seconds(len(audio), rate),
        "text": " ".join(clip.lines).replace("[", "").replace("]", ""),
        "profanity": profanity,
    }  # fmt: skip


def _speak(clip: ClipPlan, synthesizer: Synthesizer) -> tuple[array.array[int], list[dict[str, Any]]]:
    """The clip's sentences one after another, and each profane word with its start and end in seconds."""
    rate, voice = synthesizer.sample_rate, clip.voice
    pause = array.array("h", bytes(2 * round(PAUSE_SECONDS * rate)))
    audio: array.array[int] = array.array("h")
    profanity = []
    for text in clip.lines:
        samples, spans = synthesizer.speak(Line(voice.name, voice.rate, text, voice.pitch))
        profanity += [
            {
                "word": word,
                "start": _seconds(len(audio) + start, rate),
                "end": _seconds(len(audio) + end, rate),
            }
            for word, start, end in spans
        ]
        audio += samples + pause
    return audio, profanity


def _seconds(sample: int, rate: int) -> float:
    return round(sample / rate, 3)


def _with_background(speech: np.ndarray, clip: ClipPlan, rate: int) -> np.ndarray:
    """16-bit samples of the speech, with the clip's background under part of it."""
    if clip.background != "none":
        bed = (
            backgrounds.pink_noise(len(speech), SEED + clip.voice_index)
            if clip.background == "noise"
            else backgrounds.music(len(speech), rate)
        )
        speech = backgrounds.under(speech, bed, SNR_DB, BACKGROUND_SPAN, rate)
    peak = np.max(np.abs(speech))
    if peak > np.iinfo(np.int16).max:  # the background pushed it over: scale the clip down
        speech = speech * (np.iinfo(np.int16).max / peak)
    return np.round(speech).astype("<i2")


def default_dir() -> Path:
    """Where the set is built: under the var dir, which is not committed."""
    return Path(settings.VAR_DIR) / "bench" / "accuracy" / "set"


def profane_words(manifest: dict[str, Any]) -> Iterator[str]:
    """Every profane word the set speaks."""
    return (word["word"].lower() for clip in manifest["clips"] for word in clip["profanity"])


def main(out_dir: Path) -> None:
    """Build the whole set into out_dir and say what it holds."""
    manifest = build(out_dir)
    minutes = {
        kind: sum(c["duration"] for c in manifest["clips"] if c["kind"] == kind) / 60
        for kind in ("profane", "clean")
    }
    words = list(profane_words(manifest))
    print(
        f"{out_dir}: {len(words)} profane words ({len(set(words))} forms), "
        f"{minutes['profane']:.1f} min of profane speech, {minutes['clean']:.1f} min of clean speech"
    )
