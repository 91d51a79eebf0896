"""`python -m bench accuracy`: each bundled Whisper model ("fast" tiny.en, "accurate" base, "thorough" base at
three tempos) transcribes the whole evaluation set; moderation's profanity analysis (the default Policy) runs
over what it heard; the table scores the held-back half (and, marked, the tuning half). Transcripts are kept
under var/bench/accuracy for `python -m bench.accuracy.tune`; results also in var/bench/accuracy.json.
`ACCURACY_MODELS=accurate,thorough python -m bench accuracy` runs only the models named."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.accuracy import evalset
from bench.accuracy.scoring import Score, findings, score
from gpu_worker.config import current
from gpu_worker.transcribe import LocalTranscriber
from gpu_worker.types import Alternative, Transcript, Word
from gpu_worker.whisper_models import WHISPER_MODELS
from moderation.models import Policy


def main() -> None:
    set_dir = evalset.default_dir()
    manifest = the_set(set_dir)
    results = {}
    print("\n== accuracy: profanity found in the evaluation set, per speech model ==")
    for model in os.environ.get("ACCURACY_MODELS", ",".join(WHISPER_MODELS)).split(","):
        # Heard in the default policy's language, as analysis hears it.
        transcripts, seconds_per_minute = transcribe_set(model, manifest, set_dir, Policy().language_asked)
        save_transcripts(model, transcripts)
        for half in evalset.HALVES:
            half_score = score_half(manifest, transcripts, half, Policy())
            results[f"{model} {half}"] = {
                **asdict(half_score),
                "seconds_per_audio_minute": seconds_per_minute,
            }
            print_row(model, half, half_score, seconds_per_minute)
    (Path(settings.VAR_DIR) / "bench" / "accuracy.json").write_text(json.dumps(results, indent=1) + "\n")


def the_set(set_dir: Path) -> dict[str, Any]:
    """The evaluation set's manifest, built into set_dir unless it is there, the same as the committed one."""
    committed = json.loads(evalset.COMMITTED_MANIFEST.read_text())
    built = set_dir / "manifest.json"
    if built.is_file() and json.loads(built.read_text()) == committed:
        return committed
    print(f"building the evaluation set into {set_dir} ...")
    manifest = evalset.build(set_dir)
    if manifest != committed:
        print(f"WARNING: the set built here differs from {evalset.COMMITTED_MANIFEST}: scored as built")
    return manifest


def transcribe_set(
    model: str, manifest: dict[str, Any], set_dir: Path, language: str | None
) -> tuple[dict[str, Transcript], float]:
    """Every clip's transcript by the model, in the language asked (None: detected), and the seconds it took
    per minute of audio (loading apart)."""
    config = dataclasses.replace(current(), whisper_model=model, whisper_model_path="")
    transcriber = LocalTranscriber.from_config(config)
    transcripts, busy = {}, 0.0
    for clip in manifest["clips"]:
        started = time.perf_counter()
        transcripts[clip["name"]] = transcriber.transcribe(set_dir / f"{clip['name']}.wav", language)
        busy += time.perf_counter() - started
    return transcripts, busy / (sum(clip["duration"] for clip in manifest["clips"]) / 60)


def score_half(
    manifest: dict[str, Any], transcripts: dict[str, Transcript], half: str, policy: Policy
) -> Score:
    """The policy's findings in one half of the set, scored."""
    clips = [clip for clip in manifest["clips"] if clip["half"] == half]
    return score((clip, findings(transcripts[clip["name"]], policy)) for clip in clips)


def print_row(model: str, half: str, found: Score, seconds_per_minute: float) -> None:
    label = f"{model} ({WHISPER_MODELS[model]}), {'held-back' if half == 'test' else 'tuning'} half"
    print(
        f"{label:<34} {found.words:3d} words: recall {found.recall_with_review:.3f} with review, "
        f"{found.recall_automatic:.3f} bleeped; per 10 min of clean speech "
        f"({found.clean_seconds / 60:.1f} min): "
        f"{found.per_ten_minutes(found.false_bleeps):.2f} false bleeps, "
        f"{found.per_ten_minutes(found.false_reviews):.2f} reviews; {found.stray_bleeps} stray bleeps; "
        f"{seconds_per_minute:.1f} s per audio minute"
    )


def transcripts_file(model: str) -> Path:
    return Path(settings.VAR_DIR) / "bench" / "accuracy" / f"transcripts-{model}.json"


def save_transcripts(model: str, transcripts: dict[str, Transcript]) -> None:
    saved = {name: asdict(transcript) for name, transcript in transcripts.items()}
    transcripts_file(model).write_text(json.dumps(saved) + "\n")


def load_transcripts(model: str) -> dict[str, Transcript]:
    """The transcripts the last run kept (run `python -m bench accuracy` first)."""
    saved = json.loads(transcripts_file(model).read_text())
    return {
        name: Transcript([Word(**w) for w in t["words"]], [Alternative(**a) for a in t["alternatives"]])
        for name, t in saved.items()
    }
