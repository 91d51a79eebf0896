"""English in strong accents, heard as English or in the language the model detects:

    python -m bench.accuracy accents

espeak-ng's voices of ten other languages read the evaluation set's sentences with their own phonetics (a
stronger accent than most speakers have): one profane clip and one clean clip each, no background. Whisper
base hears every clip twice, told the speech is English (the default Policy's `speech_language`) and left to
detect its language; moderation's profanity analysis scores both as `python -m bench accuracy` does. No
threshold is chosen here, so the clips are not split into halves.
"""

from __future__ import annotations

from collections import Counter

from bench.accuracy import evalset
from bench.accuracy.lines import PROFANE_LINES, VOICES, Voice
from bench.accuracy.report import transcribe_set
from bench.accuracy.scoring import findings, score
from gpu_worker.whisper_models import ACCURATE
from moderation.models import Policy

# The languages' voices, each at the speed and pitch of the English voice with the same index.
LANGUAGES = ("de", "fr", "es", "it", "pt", "nl", "pl", "sv", "ru", "hi")
ACCENTS = tuple(
    Voice(language, voice.rate, voice.pitch)
    for language, voice in zip(LANGUAGES, VOICES[: len(LANGUAGES)], strict=True)
)
HEARINGS = {"told English": "en", "left to detect": None}


def plan() -> list[evalset.ClipPlan]:
    """A profane clip and a clean one per accent, with the set's sentences."""
    clean = [clip.lines for clip in evalset.plan() if clip.kind == "clean"]
    return [
        evalset.ClipPlan(f"{kind}-{language}", kind, index, "none", lines, ACCENTS)
        for index, language in enumerate(LANGUAGES)
        for kind, lines in (("profane", PROFANE_LINES[index]), ("clean", clean[index]))
    ]


def main() -> None:
    """Build the clips, hear them both ways, print one row per way."""
    set_dir = evalset.default_dir().with_name("accents")
    manifest = evalset.build(set_dir, plan())
    print(f"\n== accents: English read by the voices of {', '.join(LANGUAGES)}, Whisper base ==")
    for label, language in HEARINGS.items():
        transcripts, seconds_per_minute = transcribe_set(ACCURATE, manifest, set_dir, language)
        found = score((clip, findings(transcripts[clip["name"]], Policy())) for clip in manifest["clips"])
        heard_in = Counter(transcript.language for transcript in transcripts.values())
        print(
            f"{label:<15} {found.caught_with_review}/{found.words} words caught counting review, "
            f"{found.caught_automatically} bleeped; in {found.clean_seconds / 60:.1f} min of clean speech "
            f"{found.false_bleeps} false bleeps, {found.false_reviews} reviews; "
            f"languages {dict(heard_in.most_common())}; {seconds_per_minute:.1f} s per audio minute"
        )
