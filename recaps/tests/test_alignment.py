"""The monotonic alignment of script scenes to transcript segments, on vectors whose answer is known."""

from __future__ import annotations

import numpy as np

from recaps.alignment import (
    HIGH_SIMILARITY,
    WEAK_CONFIDENCE,
    Anchor,
    align,
    confidence,
    similarities,
    with_rivals,
)


def _basis(n: int, dims: int = 16) -> np.ndarray:
    return np.eye(dims, dtype=np.float32)[:n]


def test_it_anchors_each_scene_on_the_segment_that_says_it():
    segments = _basis(6)
    scenes = segments[[1, 3, 4]] + 0.1
    anchors = align(similarities(scenes, segments))
    assert [a.segment for a in anchors] == [1, 3, 4]
    assert all(a.confidence == 1.0 for a in anchors)


def test_it_keeps_the_story_moving_forward():
    segments = _basis(6)
    # The second scene resembles segment 0 best, but the first scene is at 2: order wins, the second
    # scene takes the best segment after 2 (its next best, segment 5).
    scenes = np.stack([segments[2], 0.9 * segments[0] + 0.5 * segments[5]])
    anchors = align(similarities(scenes, segments))
    assert [a.segment for a in anchors] == [2, 5]


def test_it_lets_scenes_share_segments_when_there_are_fewer_segments():
    segments = _basis(2)
    scenes = np.stack([segments[0], segments[0], segments[1]])
    assert [a.segment for a in align(similarities(scenes, segments))] == [0, 0, 1]


def test_picture_vectors_decide_when_the_words_do_not():
    segments = np.ones((3, 8), dtype=np.float32)  # every segment says the same
    pictures = _basis(3)
    scenes = np.ones((1, 8), dtype=np.float32)
    assert align(similarities(scenes, segments, pictures[[2]], pictures))[0].segment == 2


def test_confidence_grows_with_similarity():
    assert confidence(0.0) == 0.0
    assert 0 < confidence(0.3) < confidence(0.4) < 1
    assert confidence(HIGH_SIMILARITY + 0.1) == 1.0


def test_a_rival_elsewhere_in_the_video_lowers_the_confidence():
    segments = _basis(4)
    clear = np.stack([segments[1]])
    # Order put the scene at segment 1, but segment 3, 30 s away, says it better: a guess to check.
    rivalled = np.stack([0.8 * segments[1] + segments[3]])
    starts = [0.0, 10.0, 20.0, 40.0]
    (alone,) = with_rivals(similarities(clear, segments), align(similarities(clear, segments)), starts)
    score = similarities(rivalled, segments)
    (doubted,) = with_rivals(score, [Anchor(1, float(score[0, 1]), confidence(float(score[0, 1])))], starts)
    assert alone.confidence == 1.0
    assert doubted.confidence < WEAK_CONFIDENCE < confidence(float(score[0, 1]))
