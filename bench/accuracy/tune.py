"""Choose moderation's profanity thresholds on the TUNING half of the evaluation set only, from the
transcripts that `python -m bench accuracy` kept (no model runs here):

    python -m bench.accuracy tune

For each speech model it prints the defaults' score and the best settings of a grid: the Policy's
profanity_censor_above and profanity_review_above, and the near-miss rule's similarity and doubt. Best
means, in this order: the highest recall counting review (the issue's first target), the highest automatic
recall, the fewest automatic false bleeps, the fewest reviews of clean speech. Read the rows, not only the
first: bench/RESULTS.md says which point was taken and why."""

from __future__ import annotations

import itertools
import json
from typing import Any

from bench.accuracy import evalset
from bench.accuracy.report import load_transcripts
from bench.accuracy.scoring import Score, findings, score
from gpu_worker.types import Transcript
from gpu_worker.whisper_models import WHISPER_MODELS
from moderation.models import Policy
from moderation.profanity import NEAR_MISS, NearMiss

CENSOR_ABOVE = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
REVIEW_ABOVE = (0.0, 0.1, 0.2, 0.3)
MIN_SIMILARITY = (0.7, 0.75, 0.8, 0.85)
MIN_DOUBT = (0.1, 0.15, 0.2, 0.3)
SHOWN = 5


def main() -> None:
    """Print, per model, the defaults' score on the tuning half and the best points of the grid."""
    manifest = json.loads(evalset.COMMITTED_MANIFEST.read_text())
    tuning = [clip for clip in manifest["clips"] if clip["half"] == "tune"]
    for model in WHISPER_MODELS:
        transcripts = load_transcripts(model)
        print(f"\n== {model} ({WHISPER_MODELS[model]}), tuning half ==")
        results = [(grid_point, _score(tuning, transcripts, *grid_point)) for grid_point in _grid()]
        results.sort(key=lambda result: _rank(result[1]))
        print("defaults:", _describe(_score(tuning, transcripts, *_defaults())))
        for grid_point, found in results[:SHOWN]:
            print(_point(*grid_point), _describe(found))


def _grid() -> itertools.product[tuple[float, float, float, float]]:
    return itertools.product(CENSOR_ABOVE, REVIEW_ABOVE, MIN_SIMILARITY, MIN_DOUBT)


def _defaults() -> tuple[float, float, float, float]:
    policy = Policy()
    return (
        policy.profanity_censor_above,
        policy.profanity_review_above,
        NEAR_MISS.min_similarity,
        NEAR_MISS.min_doubt,
    )


def _score(
    clips: list[dict[str, Any]],
    transcripts: dict[str, Transcript],
    censor: float,
    review: float,
    similarity: float,
    doubt: float,
) -> Score:
    policy = Policy(profanity_censor_above=censor, profanity_review_above=review)
    rule = NearMiss(min_similarity=similarity, min_doubt=doubt)
    return score((clip, findings(transcripts[clip["name"]], policy, rule)) for clip in clips)


def _rank(found: Score) -> tuple[float, float, int, int]:
    return (-found.recall_with_review, -found.recall_automatic, found.false_bleeps, found.false_reviews)


def _point(censor: float, review: float, similarity: float, doubt: float) -> str:
    return f"censor>={censor} review>={review} similarity>={similarity} doubt>={doubt}:"


def _describe(found: Score) -> str:
    return (
        f"recall {found.recall_with_review:.3f} with review, {found.recall_automatic:.3f} bleeped; "
        f"per 10 min clean: {found.per_ten_minutes(found.false_bleeps):.2f} false bleeps, "
        f"{found.per_ten_minutes(found.false_reviews):.1f} reviews"
    )
