"""Hybrid search over the current tenant's segments: vector top-k and full-text top-k (and keyframe
top-k when CLIP is on), fused by reciprocal rank fusion. Runs in the tenant's schema: another tenant's
rows are not in the tables it reads."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils.html import escape
from pgvector.django import CosineDistance

from media_jobs.hooks import visible_videos
from media_jobs.models import Video
from moderation.models import Case
from search.models import Segment

CANDIDATES = 50  # per ranked list fused
# A hit found by meaning alone is a strong match when its text is at least this similar to the query
# (all-MiniLM-L6-v2 cosine). On the evaluation set (tests/media/search_eval) the paraphrases scored
# 0.285-0.706 against the topics they paraphrase; eight queries about nothing in it scored 0.09-0.29 at
# best (7 of 8 under the floor; "medieval castle architecture" met "an old temple" at 0.29). Below the
# floor a hit is kept but marked weak: a query with no real match says so, and recall stays whole. A word
# match (every word of the query in the text) is always strong.
MEANING_FLOOR = 0.25
PICTURE_FLOOR = 0.25  # CLIP text-to-keyframe cosine: not measured here (no weights ship); a starting point
RRF_K = 60  # reciprocal rank fusion constant (Cormack et al.): 1 / (60 + rank)
QUERY_CACHE_SECONDS = 24 * 3600
MAX_QUERY_CHARS = 500
# States whose video has no open question: nothing found, censored by policy, or decided by a moderator.
SETTLED_STATES = (Case.State.CLEAN, Case.State.AUTO_CENSORED, Case.State.APPROVED, Case.State.CENSORED)
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # ts_headline markers, replaced after the text is escaped
TERM = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchFilters:
    video_id: int | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    min_duration: float | None = None  # of the video, seconds
    max_duration: float | None = None
    labels: tuple[str, ...] = ()  # every one of them seen in the segment
    settled_only: bool = False  # only videos approved or clean: no open moderation case


@dataclass
class Hit:
    segment: Segment
    score: float
    snippet: str  # HTML: the escaped text with the matched words in <mark>
    matched_by: list[str] = field(default_factory=list)  # "meaning", "words", "picture"
    similarity: float | None = None  # of its text to the query, when the meaning list found it
    weak: bool = False  # under the relevance floor on every list that found it


def filtered(filters: SearchFilters) -> QuerySet[Segment]:
    """Segments the filters allow. A rejected video's segments are never searched."""
    segments = Segment.objects.exclude(moderation_state=Case.State.REJECTED)
    conditions = {
        "video_id": filters.video_id,
        "video_created_at__gte": filters.created_after,
        "video_created_at__lte": filters.created_before,
        "video_duration__gte": filters.min_duration,
        "video_duration__lte": filters.max_duration,
    }
    segments = segments.filter(**{name: value for name, value in conditions.items() if value is not None})
    if filters.labels:
        segments = segments.filter(labels__contains=list(filters.labels))
    if filters.settled_only:
        segments = segments.filter(moderation_state__in=SETTLED_STATES)
    return segments


def _cached_vector(
    kind: str, model: str, text: str, embed: Callable[[Sequence[str]], np.ndarray]
) -> list[float]:
    """A query's embedding, cached per tenant (the cache's key function adds the schema)."""
    key = f"search:q:{kind}:{hashlib.sha256(f'{model}|{text}'.encode()).hexdigest()}"
    vector = cache.get(key)
    if vector is None:
        vector = [float(x) for x in embed([text])[0]]
        cache.set(key, vector, QUERY_CACHE_SECONDS)
    return vector


def _nearest(
    segments: QuerySet[Segment], column: str, vector: Sequence[float], ef_search: int
) -> list[tuple[int, float]]:
    """(id, cosine similarity) of the CANDIDATES nearest segments, nearest first, through the HNSW index.

    pgvector 0.8's iterative scan keeps reading the index until enough rows pass the filters, so a
    narrow filter still returns CANDIDATES rows; relaxed order may return them slightly out of order,
    hence the sort here. Connections start with ef_search = SEARCH_EF_SEARCH and the iterative scan on
    (see DATABASES' options); another ef_search costs a transaction and a SET LOCAL."""
    nearest = (
        segments.filter(**{f"{column}__isnull": False})
        .annotate(distance=CosineDistance(column, np.asarray(vector, dtype=np.float32)))
        .order_by("distance")
        .values_list("id", "distance")[:CANDIDATES]
    )
    if ef_search == settings.SEARCH_EF_SEARCH:
        rows = list(nearest)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL hnsw.ef_search = %s", [ef_search])
            rows = list(nearest)
    return [(segment_id, 1.0 - distance) for segment_id, distance in sorted(rows, key=lambda row: row[1])]


def text_query(query: str) -> SearchQuery | None:
    """Segments with every word of the query (web search syntax: "a phrase", or, -word); None: no word.

    Every word, not any: with any word, a query of common words matches most segments, and ranking them
    all took 90 ms on 100k segments (bench/search.py); paraphrases are the vector list's job."""
    if not TERM.search(query):
        return None
    return SearchQuery(query, search_type="websearch", config="english")


def highlight_query(query: str) -> SearchQuery | None:
    """Any word of the query, to mark in snippets whichever list found the segment."""
    terms = TERM.findall(query.lower())
    return SearchQuery(" | ".join(terms), search_type="raw", config="english") if terms else None


def _full_text(segments: QuerySet[Segment], tsquery: SearchQuery | None) -> list[int]:
    if tsquery is None:
        return []
    ranked = segments.filter(search_vector=tsquery).annotate(rank=SearchRank(F("search_vector"), tsquery))
    return list(ranked.order_by("-rank", "id").values_list("id", flat=True)[:CANDIDATES])


def fuse(rankings: dict[str, list[int]]) -> list[tuple[int, float, list[str]]]:
    """Reciprocal rank fusion: (id, score, the lists it came from), best first."""
    scores: dict[int, float] = {}
    sources: dict[int, list[str]] = {}
    for name, ids in rankings.items():
        for rank, segment_id in enumerate(ids, start=1):
            scores[segment_id] = scores.get(segment_id, 0.0) + 1.0 / (RRF_K + rank)
            sources.setdefault(segment_id, []).append(name)
    ordered = sorted(scores, key=lambda segment_id: (-scores[segment_id], segment_id))
    return [(segment_id, scores[segment_id], sources[segment_id]) for segment_id in ordered]


@dataclass
class Rankings:
    """Each list's ids, best first, and the similarities of the lists ranked by vector."""

    ids: dict[str, list[int]]
    similarity: dict[str, dict[int, float]]

    def strong(self, segment_id: int) -> bool:
        """Found by words, or by meaning or picture at or over that list's floor."""
        floors = {"meaning": MEANING_FLOOR, "picture": PICTURE_FLOOR}
        return segment_id in self.ids["words"] or any(
            self.similarity[name].get(segment_id, -1.0) >= floor for name, floor in floors.items()
        )


def _rankings(query: str, segments: QuerySet[Segment], ef_search: int) -> Rankings:
    from gpu_worker.embeddings import get_image_embedder, get_text_embedder

    text_model = get_text_embedder()
    text_vector = _cached_vector("text", text_model.name, query, text_model.embed)
    spoken = segments.exclude(text="")  # a segment with no words has nothing to say to a text query
    nearest = {"meaning": _nearest(spoken, "embedding", text_vector, ef_search), "picture": []}
    image_model = get_image_embedder()
    if image_model is not None:
        vector = _cached_vector("image", image_model.name, query, image_model.embed_text)
        nearest["picture"] = _nearest(segments, "image_embedding", vector, ef_search)
    ids = {name: [segment_id for segment_id, _ in found] for name, found in nearest.items() if found}
    ids["words"] = _full_text(segments, text_query(query))
    return Rankings(ids, {name: dict(found) for name, found in nearest.items()})


def search_segments(query: str, filters: SearchFilters, limit: int, ef_search: int) -> list[Hit]:
    """The best `limit` segments for the query under the filters, with highlighted snippets: strong
    matches first (in fused order), then weak ones, marked."""
    segments = filtered(filters)
    rankings = _rankings(query, segments, ef_search)
    fused = fuse({name: ids for name, ids in rankings.ids.items() if ids})[: limit * 2]  # spare rows
    visible = _hydrate([segment_id for segment_id, _, _ in fused], highlight_query(query))
    hits = [
        Hit(
            visible[segment_id], score, _snippet(visible[segment_id]), sources,
            rankings.similarity["meaning"].get(segment_id), not rankings.strong(segment_id),
        )
        for segment_id, score, sources in fused
        if segment_id in visible
    ]  # fmt: skip
    return sorted(hits, key=lambda hit: hit.weak)[:limit]  # stable: fused order within each


def _hydrate(ids: list[int], tsquery: SearchQuery | None) -> dict[int, Segment]:
    """The segments, with their videos, of publishable videos only (the case is read now, not copied)."""
    publishable_videos = visible_videos(Video.objects.all())
    rows = (
        Segment.objects.filter(id__in=ids, video__in=publishable_videos)
        .select_related("video")
        .defer("embedding", "image_embedding", "video__media_info")  # not shown; decoding vectors is costly
    )
    if tsquery is not None:
        rows = rows.annotate(
            headline=SearchHeadline(
                "text",
                tsquery,
                config="english",
                start_sel=MARK_OPEN,
                stop_sel=MARK_CLOSE,
                highlight_all=True,
            )
        )
    return {segment.pk: segment for segment in rows}


def _snippet(segment: Segment) -> str:
    text = getattr(segment, "headline", None) or segment.text
    return str(escape(text)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
