"""Make the committed speech clips and their ground-truth sidecars (developer tool, not run by tests).

Run from the repository root on a machine with espeak-ng 1.51 (its shared library) and sox:

    python tests/media/speech/make_speech.py

Every sentence is spoken whole by libespeak-ng, so words keep their natural prosody; the synthesiser's
word events give the exact sample where each word starts. A word ends where the next word (or the
sentence) starts, less the silence before it. Sentences are joined with a known pause, so every time in
a sidecar is exact. Profane words are marked with [brackets] in the lines below. Output: 16 kHz mono
FLAC plus `<clip>.json`: the text, the voices, the duration, and every profane word with its start and end.
"""

from __future__ import annotations

import array
import ctypes
import json
import re
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

SPEECH_DIR = Path(__file__).resolve().parent
PAUSE_SECONDS = 0.4  # silence added between sentences, on top of espeak's own end-of-sentence pause
SILENCE_LEVEL = 64  # int16 amplitude under which espeak's output is silence (it writes exact zeros)
WORD = r"[\w']+"
TRIM_STEP = 55  # samples (2.5 ms at 22,050 Hz) per step when trimming silence off a word's end

# espeak-ng's speak_lib.h
AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE = 1
ESPEAK_PITCH = 3
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_END = 5  # end of a clause or sentence


@dataclass(frozen=True)
class Line:
    """One sentence, its voice (espeak-ng name, optionally +variant), speed in words per minute and pitch."""

    voice: str
    rate: int
    text: str  # profane words in [brackets]
    pitch: int = 50  # 0..100; espeak-ng's default is 50


CLIPS: dict[str, list[Line]] = {
    "kitchen": [
        Line("en-us", 150, "Honestly, this kitchen is a [damn] mess."),
        Line("en-us", 150, "Could you please put the plates back on the shelf?"),
        Line("en-us", 150, "Stop it, this is [shit]."),
        Line("en-us", 150, "What the [fuck] are you doing with my laptop?"),
        Line("en-us", 150, "We could order pizza tonight."),
    ],
    "office": [
        Line("en", 160, "The meeting ran late again this afternoon."),
        Line("en", 160, "Look at that desk, it is a [damn] mess."),
        Line("en", 160, "Honestly, this is [shit] and everybody knows it."),
        Line("en", 160, "The report is due on Friday morning."),
        Line("en", 160, "What the [fuck] happened to the printer?"),
    ],
    "garage": [
        Line("en-us+f3", 140, "I cleaned the garage on Sunday."),
        Line("en-us+f3", 140, "Now it is a [damn] mess again."),
        Line("en-us+f3", 140, "Who left the paint open? This is [shit]."),
        Line("en-us+f3", 140, "That [bastard] took my bicycle."),
        Line("en-us+f3", 140, "The car needs new tyres before winter."),
    ],
    "match": [
        Line("en-gb-scotland", 150, "What the [fuck] was the referee thinking?"),
        Line("en-gb-scotland", 150, "The second half was much better."),
        Line("en-gb-scotland", 150, "Their defence is [crap] this season."),
        Line("en-gb-scotland", 150, "We won the cup three years ago."),
        Line("en-gb-scotland", 150, "That was [fucking] brilliant."),
    ],
    "traffic": [
        Line("en-029", 145, "The traffic on the bridge was terrible."),
        Line("en-029", 145, "This is [shit], we will be late."),
        Line("en-029", 145, "Some [asshole] cut right in front of me."),
        Line("en-029", 145, "What a [damn] mess on the highway."),
        Line("en-029", 145, "Let us take the train tomorrow."),
    ],
    "party": [
        Line("en-gb-x-rp+f2", 165, "The party starts at eight o'clock."),
        Line("en-gb-x-rp+f2", 165, "Do not be such a [bitch] about the music."),
        Line("en-gb-x-rp+f2", 165, "What the [fuck], who invited him?"),
        Line("en-gb-x-rp+f2", 165, "That is [bullshit] and you know it."),
        Line("en-gb-x-rp+f2", 165, "Bring some snacks and a blanket."),
    ],
    # No profanity, with words that look or sound close to it: false alarms are measured here.
    "clean": [
        Line("en-us", 150, "The class finished its assessment before the cocktail party."),
        Line("en", 160, "We read Dickens on the ship from Scunthorpe."),
        Line("en-us+f3", 140, "Shiitake mushrooms are sold by the sheet pan at the market."),
        Line("en-gb-scotland", 150, "The ducks swam past the dam and the old mill."),
        Line("en-029", 145, "Please pass the salt, then fetch the fork from the kitchen."),
        Line("en-gb-x-rp+f2", 165, "They shot the film in a busy shop near the dock."),
        Line("en-us", 150, "The pitch was wet, so the match was moved to Monday."),
        Line("en", 160, "My brother plays the bass guitar in a jazz band."),
    ],
}


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based character offset
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class Synthesizer:
    """libespeak-ng in synchronous mode: a sentence in, its samples and word-start events out."""

    def __init__(self) -> None:
        self._lib = ctypes.CDLL("libespeak-ng.so.1")
        self.sample_rate = self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        self._samples = array.array("h")
        self._events: list[tuple[int, int, int]] = []  # (type, text position, sample)
        self._callback = _SynthCallback(self._collect)  # kept referenced: libespeak-ng holds the pointer
        self._lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: ctypes.Array[ctypes.c_short], count: int, events: ctypes.Array[_Event]) -> int:
        if wav:
            self._samples.extend(wav[:count])
        index = 0
        while events[index].type != EVENT_LIST_TERMINATED:
            event = events[index]
            self._events.append((event.type, event.text_position - 1, event.sample))
            index += 1
        return 0

    def speak(self, line: Line) -> tuple[array.array[int], list[tuple[str, int, int]]]:
        """The sentence's samples, and (word, start sample, end sample) of its profane words."""
        text, profane_starts = _unmark(line.text)
        self._samples, self._events = array.array("h"), []
        if self._lib.espeak_SetVoiceByName(line.voice.encode()) != 0:
            raise SystemExit(f"espeak-ng has no voice {line.voice!r}")
        self._lib.espeak_SetParameter(ESPEAK_RATE, line.rate, 0)
        self._lib.espeak_SetParameter(ESPEAK_PITCH, line.pitch, 0)
        encoded = text.encode()
        self._lib.espeak_Synth(encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
        self._lib.espeak_Synchronize()
        return self._samples, _profane_spans(text, self._events, self._samples, profane_starts)


def _unmark(marked: str) -> tuple[str, set[int]]:
    """The sentence without brackets, and the character offsets where profane words start."""
    text, starts, offset = "", set(), 0
    for match in re.finditer(r"\[([^\]]+)\]", marked):
        text += marked[offset : match.start()]
        starts.add(len(text))
        text += match.group(1)
        offset = match.end()
    return text + marked[offset:], starts


def _profane_spans(
    text: str, events: list[tuple[int, int, int]], samples: array.array[int], profane_starts: set[int]
) -> list[tuple[str, int, int]]:
    """(word, start sample, end sample) of each profane word of the sentence."""
    words = {match.start(): match.group() for match in re.finditer(WORD, text)}
    offsets = list(words)
    boundaries = _boundaries(events, offsets)
    spans = []
    for index, (position, start) in enumerate(boundaries):
        if position not in profane_starts:
            continue
        next_position, next_start = boundaries[index + 1]
        if any(position < offset < next_position for offset in offsets):
            raise SystemExit(f"espeak-ng gave no event for the word after {text[position:]!r}: rephrase it")
        spans.append((words[position], start, _trim_silence(samples, start, next_start)))
    if len(spans) != len(profane_starts):
        raise SystemExit(f"espeak-ng gave no event for a profane word of {text!r}: rephrase it")
    return spans


def _boundaries(events: list[tuple[int, int, int]], offsets: list[int]) -> list[tuple[int, int]]:
    """(text position, sample) where a word or a clause starts or ends, in order."""
    # espeak-ng merges some short words into the next one (no event), and reports stray word events
    # where it inserts a phrase pause (position -1, between words, or going backwards): skip those.
    boundaries, last_word = [], -1
    for kind, position, sample in events:
        if kind == EVENT_END or (kind == EVENT_WORD and position in offsets and position > last_word):
            boundaries.append((position, sample))
            last_word = position if kind == EVENT_WORD else last_word
    return boundaries


def _trim_silence(samples: array.array[int], start: int, end: int) -> int:
    while end - TRIM_STEP > start and max(map(abs, samples[end - TRIM_STEP : end])) < SILENCE_LEVEL:
        end -= TRIM_STEP
    return end


def make_clip(name: str, lines: list[Line], synthesizer: Synthesizer) -> None:
    """Write `<name>.flac` and `<name>.json` into this directory."""
    rate = synthesizer.sample_rate
    pause = array.array("h", bytes(2 * round(PAUSE_SECONDS * rate)))
    audio, profanity = array.array("h"), []
    for line in lines:
        samples, spans = synthesizer.speak(line)
        profanity += [
            {
                "word": word,
                "start": round((len(audio) + start) / rate, 3),
                "end": round((len(audio) + end) / rate, 3),
            }
            for word, start, end in spans
        ]
        audio += samples + pause
    _write_flac(SPEECH_DIR / f"{name}.flac", audio, rate)
    sidecar = {
        "text": " ".join(_unmark(line.text)[0] for line in lines),
        "voices": sorted({f"{line.voice} at {line.rate} wpm" for line in lines}),
        "duration": round(len(audio) / rate, 3),
        "profanity": profanity,
    }
    (SPEECH_DIR / f"{name}.json").write_text(json.dumps(sidecar, indent=1) + "\n")


def _write_flac(path: Path, audio: array.array[int], rate: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "speech.wav"
        with wave.open(str(raw), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(audio.tobytes())
        # -D: no dither, so the same input gives byte-identical files; sox's resampler keeps time aligned.
        subprocess.run(
            ["sox", "-D", str(raw), "-C", "8", str(path), "vol", "0.8", "rate", "16000"], check=True
        )


def main() -> None:
    """Write every clip of CLIPS."""
    synthesizer = Synthesizer()
    for name, lines in CLIPS.items():
        make_clip(name, lines, synthesizer)
        print(f"{name}: {sum(line.text.count('[') for line in lines)} profane words")


if __name__ == "__main__":
    main()
