"""The alignment stage's narrowing of an anchor to the sentence that tells the scene (no worker: the
segment spans are given, the transcript is a stored artifact, the text model is the real one)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from media_jobs import artifacts
from media_jobs.tests.factories import make_moderated_videos
from moderation.stages import TRANSCRIPT
from recaps.aligning import _sharpened
from recaps.models import Recap, RecapSource

SAID = [
    "Somebody tried to steal passwords last week.",  # the end of the topic before
    "First, chop two onions and fry them slowly in butter.",
    "The oven should be very hot for the bread.",
]


def _words(sentences: list[str], second_offset: float) -> list[dict[str, object]]:
    words, t = [], 0.0
    for sentence in sentences:
        for word in sentence.split():
            words.append({"text": word, "start": second_offset + t, "end": second_offset + t + 0.3})
            t += 0.4
        t += 0.8  # a pause between sentences
    return words


def test_an_anchor_is_narrowed_to_the_sentence_that_tells_the_scene(world):
    first, second = make_moderated_videos(world.acme, 2)
    with schema_context(world.acme.schema_name):
        for video in (first, second):
            artifacts.save_json(
                video.jobs.get(), TRANSCRIPT, {"words": _words(SAID, 0.0), "alternatives": []}
            )
        recap = Recap.objects.create(video=first, script="-")
        RecapSource.objects.create(recap=recap, video=first, position=0, offset=0.0)
        RecapSource.objects.create(recap=recap, video=second, position=1, offset=60.0)
        spans = [(0.0, 12.0), (60.0, 72.0)]  # each a segment holding all three sentences
        scenes = ["Onions are fried in butter.", "A very hot oven bakes the bread."]
        (onions, oven) = _sharpened(recap, scenes, spans)
    assert onions[0] == pytest.approx(7 * 0.4 + 0.8)  # the second sentence of the first video
    assert oven[0] == pytest.approx(60.0 + 17 * 0.4 + 2 * 0.8)  # the third, on the second video's footage
    assert onions[1] < oven[0]
