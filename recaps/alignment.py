"""Which part of the video each script scene tells: a monotonic alignment of the script's scenes to the
video's transcript segments (the story moves forward), by meaning, with a confidence per scene.

Pure code over vectors: `similarities` builds the scene x segment score matrix (text vectors, plus the
keyframes' picture vectors when CLIP weights are configured), `align` picks one anchor segment per scene
by dynamic programming, maximising the summed similarity under the order constraint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# A scene's confidence is how similar it is to its anchor, mapped to 0..1 (at or under LOW the match is a
# guess, at or over HIGH it is as good as all-MiniLM gets for a paraphrase), times how clearly it beats its
# best rival elsewhere in the video (half when the rival is as similar; RIVAL_SECONDS away at least).
# Set on the townhall and cooking recordings of tests/media/search_eval with their topics' paraphrases
# (python -m bench recap): right anchors scored 0.33-0.73, the best segment of another topic 0.04-0.44
# (median 0.11); travel is held out and reported apart in bench/RESULTS.md.
LOW_SIMILARITY, HIGH_SIMILARITY = 0.12, 0.50
RIVAL_SECONDS = 15.0
MARGIN_SCALE = 0.4  # a lead of 0.2 over the rival is full confidence, a deficit of 0.2 none
WEAK_CONFIDENCE = 0.35  # below this the page asks the user to check the scene's shots
IMAGE_WEIGHT = 0.5  # a keyframe's picture similarity, centred per scene, added to the text similarity


@dataclass(frozen=True)
class Anchor:
    """Where a scene starts in the video: the index of its segment, how similar it is, how sure we are."""

    segment: int
    similarity: float
    confidence: float


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-9), dtype=np.float32)


def similarities(
    scenes: np.ndarray, segments: np.ndarray, scene_pictures: np.ndarray | None = None,
    segment_pictures: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Scene x segment similarity: cosine of the text vectors; with picture vectors for both (CLIP's text
    tower for the scenes, its image tower for the keyframes), each scene's picture similarities, centred on
    their mean, add to it (CLIP's raw cosines sit in a narrow band, so only their differences mean much)."""
    score = _unit_rows(scenes) @ _unit_rows(segments).T
    if scene_pictures is not None and segment_pictures is not None:
        pictures = _unit_rows(scene_pictures) @ _unit_rows(segment_pictures).T
        score = score + IMAGE_WEIGHT * (pictures - pictures.mean(axis=1, keepdims=True))
    return np.asarray(score, dtype=np.float32)


def align(score: np.ndarray) -> list[Anchor]:
    """One anchor segment per scene, in order: strictly increasing when there are at least as many
    segments as scenes (each scene tells its own part), else non-decreasing (scenes share segments)."""
    n, m = score.shape
    if n == 0 or m == 0:
        return []
    strict = m >= n
    best = score[0].astype(np.float64)
    came_from = np.zeros((n, m), dtype=np.int64)
    for i in range(1, n):
        # prefix[k]: the best total of scenes 0..i-1 ending at a segment <= k, and which segment that is
        running = np.maximum.accumulate(best)
        where = _running_argmax(best)
        if strict:  # scene i at k needs scene i-1 at a segment < k
            allowed, origin = np.full(m, -np.inf), np.zeros(m, dtype=np.int64)
            allowed[1:], origin[1:] = running[:-1], where[:-1]
        else:
            allowed, origin = running, where
        best = allowed + score[i]
        came_from[i] = origin
    return _backtrack(score, best, came_from)


def _running_argmax(values: np.ndarray) -> np.ndarray:
    """For each k, the index of the largest of values[0..k] (the first, on ties)."""
    indices = np.arange(len(values))
    is_new_max = values >= np.maximum.accumulate(values)
    return np.maximum.accumulate(np.where(is_new_max & _first_of_ties(values), indices, 0))


def _first_of_ties(values: np.ndarray) -> np.ndarray:
    previous = np.concatenate(([-np.inf], np.maximum.accumulate(values)[:-1]))
    return np.asarray(values > previous)


def _backtrack(score: np.ndarray, best: np.ndarray, came_from: np.ndarray) -> list[Anchor]:
    n = score.shape[0]
    picks = [int(np.argmax(best))]
    for i in range(n - 1, 0, -1):
        picks.append(int(came_from[i, picks[-1]]))
    picks.reverse()
    return [
        Anchor(segment, round(float(score[i, segment]), 4), confidence(float(score[i, segment])))
        for i, segment in enumerate(picks)
    ]


def confidence(similarity: float, rival: float | None = None) -> float:
    absolute = float(np.clip((similarity - LOW_SIMILARITY) / (HIGH_SIMILARITY - LOW_SIMILARITY), 0, 1))
    if rival is None:
        return round(absolute, 3)
    lead = float(np.clip(0.5 + (similarity - rival) / MARGIN_SCALE, 0, 1))
    return round(absolute * lead, 3)


def with_rivals(score: np.ndarray, anchors: list[Anchor], starts: Sequence[float]) -> list[Anchor]:
    """The anchors' confidences weighed against each scene's best rival: the most similar segment at least
    RIVAL_SECONDS from its anchor (another part of the video that says much the same)."""
    times = np.asarray(starts, dtype=np.float64)
    weighed = []
    for i, anchor in enumerate(anchors):
        far = np.abs(times - times[anchor.segment]) >= RIVAL_SECONDS
        rival = float(score[i, far].max()) if far.any() else None
        weighed.append(Anchor(anchor.segment, anchor.similarity, confidence(anchor.similarity, rival)))
    return weighed
