"""The profanity evaluation set's builder: the ground truth it writes is the committed manifest's, and its
two halves share no clip and no voice (thresholds tuned on one half are reported on the other)."""

from __future__ import annotations

import json
import wave

import pytest

from bench.accuracy import evalset


def committed() -> dict:
    return json.loads(evalset.COMMITTED_MANIFEST.read_text())


def test_it_splits_the_set_into_halves_that_share_no_clip_and_no_voice():
    halves = evalset.split(evalset.plan())
    names = {half: {clip.name for clip in clips} for half, clips in halves.items()}
    voices = {half: {clip.voice for clip in clips} for half, clips in halves.items()}
    assert names["tune"] and names["test"] and names["tune"].isdisjoint(names["test"])
    assert voices["tune"].isdisjoint(voices["test"])
    for clips in halves.values():
        assert {(clip.kind, clip.background) for clip in clips} == {
            (kind, background) for kind in ("profane", "clean") for background in evalset.BACKGROUNDS
        }


def test_the_committed_manifest_is_the_plan_and_holds_what_the_issue_asks():
    manifest = committed()
    planned = {clip.name: clip.half for clip in evalset.plan()}
    assert {clip["name"]: clip["half"] for clip in manifest["clips"]} == planned
    words = list(evalset.profane_words(manifest))
    assert len(words) >= 60 and len(set(words)) >= 60
    assert len({(clip["voice"], clip["rate"], clip["pitch"]) for clip in manifest["clips"]}) >= 10
    clean_seconds = sum(clip["duration"] for clip in manifest["clips"] if clip["kind"] == "clean")
    assert clean_seconds >= 600
    assert all(not clip["profanity"] for clip in manifest["clips"] if clip["kind"] == "clean")


def test_it_builds_clips_with_the_committed_ground_truth(tmp_path):
    chosen = [clip for clip in evalset.plan() if clip.name in {"profane-01", "clean-02"}]  # noise, music
    built = evalset.build(tmp_path, chosen)
    assert json.loads((tmp_path / "manifest.json").read_text()) == built
    expected = {clip["name"]: clip for clip in committed()["clips"]}
    for entry in built["clips"]:
        # libespeak-ng carries state from one utterance to the next (the same sentence lasts a few ms more
        # or less after another one), so a clip built alone may drift by a tenth of a second from the
        # whole set's (which is built the same every time).
        same = {key: value for key, value in entry.items() if key not in {"duration", "profanity"}}
        assert same == {key: expected[entry["name"]][key] for key in same}
        assert entry["duration"] == pytest.approx(expected[entry["name"]]["duration"], abs=0.2)
        words = [(word["word"], word["start"], word["end"]) for word in entry["profanity"]]
        assert words == [
            (word["word"], pytest.approx(word["start"], abs=0.1), pytest.approx(word["end"], abs=0.1))
            for word in expected[entry["name"]]["profanity"]
        ]
        with wave.open(str(tmp_path / f"{entry['name']}.wav")) as audio:
            assert abs(audio.getnframes() / audio.getframerate() - entry["duration"]) < 0.001
    profane = next(entry for entry in built["clips"] if entry["name"] == "profane-01")
    assert [word["word"] for word in profane["profanity"]][:3] == ["pissed", "ass", "crapped"]
    assert all(0 < word["start"] < word["end"] < profane["duration"] for word in profane["profanity"])
