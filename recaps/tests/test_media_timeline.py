"""The recap's timeline arithmetic: where scenes start, narration's room, caption words per cut, ducking."""

from __future__ import annotations

import numpy as np
import pytest

from recaps.media.timeline import (
    Placement,
    caption_words,
    crossfade_for,
    part_starts,
    placements,
    scene_starts,
    union_seconds,
    words_for_cut,
)
from recaps.media.types import Cut, RecapScene, RecapSpec
from recaps.media.voiceover import DUCK_DB, DUCK_RAMP, RATE, ducking


def test_it_starts_each_part_one_crossfade_before_the_previous_ends() -> None:
    assert part_starts([2.5, 3.0, 1.0], 0.5) == pytest.approx([0.0, 2.0, 4.5])


def test_it_shortens_the_crossfade_for_a_short_part() -> None:
    assert crossfade_for([3.0, 0.6, 3.0], 0.4) == pytest.approx(0.3)
    assert crossfade_for([3.0], 0.4) == 0.0


def test_it_places_scenes_after_the_intro_card() -> None:
    spec = RecapSpec(
        (RecapScene((Cut(0, 2),)), RecapScene((Cut(5, 6), Cut(8, 9)))), 320, 180, crossfade=0.5, intro="Hi"
    )
    assert scene_starts(spec, 2.5) == pytest.approx([2.0, 3.5])


def test_it_gives_narration_room_until_the_next_part() -> None:
    scenes = [RecapScene((Cut(0, 3),), narration=(0.0, 2.0)), RecapScene((Cut(3, 5),), narration=(3.0, 6.0))]
    first, second = placements(scenes, [0.0, 2.6], [3.0, 2.0], [0.4, 0.0])
    assert first is not None and (first.at, first.start, first.end) == (0.0, 0.0, 2.0)
    assert first.room == pytest.approx(2.6) and first.length == pytest.approx(2.0)
    assert second is not None and second.at == 2.6 and second.length == pytest.approx(2.0)  # cut at the end
    assert placements([RecapScene((Cut(0, 1),))], [0.0], [1.0], [0.0]) == [None]


def test_it_spreads_caption_words_by_their_length() -> None:
    words = caption_words("a bbb", 3.0)
    assert [(w.text, w.start, w.end) for w in words] == [
        ("a", 0.0, pytest.approx(1.0)),
        ("bbb", pytest.approx(1.0), pytest.approx(3.0)),
    ]
    assert caption_words("   ", 3.0) == []


def test_it_moves_caption_words_into_each_cuts_source_time() -> None:
    cuts = [Cut(10.0, 11.0), Cut(20.0, 22.0)]
    words = caption_words("one two six", 3.0)  # one 0-1, two 1-2, six 2-3
    assert [(w.text, w.start) for w in words_for_cut(words, cuts, 0)] == [("one", 10.0)]
    second = words_for_cut(words, cuts, 1)
    assert [(w.text, w.start, w.end) for w in second] == [
        ("two", pytest.approx(20.0), pytest.approx(21.0)),
        ("six", pytest.approx(21.0), pytest.approx(22.0)),
    ]


def test_it_counts_overlapping_cuts_once() -> None:
    assert union_seconds([Cut(0, 2), Cut(1, 3), Cut(5, 6)]) == pytest.approx(4.0)


def test_it_ducks_the_source_under_each_span_with_ramps() -> None:
    gain = ducking(5 * RATE, [Placement(at=1.0, start=0.0, end=1.0, room=2.0)])
    level = 10 ** (DUCK_DB / 20)
    assert gain[round(1.5 * RATE)] == pytest.approx(level)
    assert gain[round(0.5 * RATE)] == 1.0 and gain[round(3.0 * RATE)] == 1.0
    assert level < gain[round((1.0 - DUCK_RAMP / 2) * RATE)] < 1.0  # going down before the voice
    assert np.all(np.diff(gain[: round(1.0 * RATE)]) <= 0)
