"""Search latency and recall: 100 000 segments in one tenant, texts generated from templates and embedded
with the real MiniLM (cached under var/bench between runs), queries from the same generator.

Reports the HNSW index build time; vector-only p50/p95 latency and recall@10 against an exact scan of
the same rows; hybrid (vector + full text + fusion + snippets) p50/p95; and the ratio of HNSW to exact
scan latency, all measured in this run."""

from __future__ import annotations

import functools
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from reelremix import stack

SEGMENTS = 100_000
SEGMENTS_PER_VIDEO = 100
QUERIES = 200
K = 10
EF_SEARCH_SWEEP = (40, 100, 200)
BENCH_SLUG = "benchsearch"
SEED = 20261121

# Phrase parts for the generated transcripts: agency talk about products, clients, places, schedules.
SPEAKERS = [
    "Our chief executive",
    "The marketing team",
    "The client",
    "Our new designer",
    "The sales lead",
    "The support crew",
    "A customer",
    "The engineering manager",
    "The finance director",
    "Our intern",
    "The product owner",
    "The video editor",
    "The account manager",
    "The legal team",
    "The founder",
]
VERBS = [
    "laughed about",
    "complained about",
    "presented",
    "asked questions about",
    "was excited about",
    "postponed",
    "approved",
    "rejected",
    "talked for an hour about",
    "made a joke about",
    "explained",
    "summarised",
    "worried about",
    "celebrated",
    "reviewed",
    "shot a video about",
    "priced",
]
OBJECTS = [
    "the product launch",
    "the pricing page",
    "the annual subscription plan",
    "the holiday campaign",
    "the new logo",
    "the quarterly numbers",
    "the office move to Berlin",
    "the hiring plan",
    "the security incident",
    "the customer survey",
    "the travel budget",
    "the podcast episode",
    "the website redesign",
    "the mobile app release",
    "the partnership with a bakery chain",
    "the summer party",
    "the data privacy policy",
    "the recycling programme",
    "the football sponsorship",
    "the cooking show pilot",
    "the discount for students",
    "the delayed shipment",
    "the trade fair",
]
TIMES = [
    "this morning",
    "last week",
    "during the town hall",
    "at the offsite",
    "on the call with Tokyo",
    "before lunch",
    "in the kitchen",
    "after the demo",
    "on Friday",
    "in front of the whole team",
    "while it was raining",
    "at the airport",
    "over coffee",
    "in the car park",
    "at midnight",
]
TAILS = [
    "Everyone agreed.",
    "Nobody was surprised.",
    "We need a decision by Monday.",
    "It went better than expected.",
    "The room was very quiet.",
    "There were a lot of questions.",
    "The numbers look good.",
    "Legal has to check it first.",
]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SPEAKERS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TIMES)}."


def segment_text(rng: random.Random) -> str:
    return f"{sentence(rng)} {sentence(rng) if rng.random() < 0.5 else rng.choice(TAILS)}"


def _embedded(name: str, texts: list[str]) -> np.ndarray:
    """MiniLM vectors of the texts, cached in var/bench (embedding 100k texts takes minutes on 2 cores)."""
    from gpu_worker.embeddings import get_text_embedder

    cache = Path(settings.VAR_DIR) / "bench" / f"search-{name}-{len(texts)}-{SEED}.npy"
    if cache.exists():
        return np.load(cache)
    cache.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    vectors = get_text_embedder().embed(texts)
    print(f"embedded {len(texts)} texts in {time.monotonic() - started:.0f} s")
    np.save(cache, vectors)
    return vectors


def _bench_tenant() -> Any:
    from tenants import services
    from tenants.models import Tenant

    found = Tenant.objects.filter(slug=BENCH_SLUG).first()
    return (
        found
        or services.do_create_tenant("Search benchmark", BENCH_SLUG, f"bench@{settings.BASE_DOMAIN}").tenant
    )


def _fill(texts: list[str], vectors: np.ndarray) -> float:
    """Replace the tenant's segments with the corpus, HNSW index dropped; returns the insert seconds."""
    from gpu_worker.embeddings import get_text_embedder
    from media_jobs.models import Job, Video
    from moderation.stages import MODERATION
    from search.models import Segment

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE search_segment, media_jobs_job, media_jobs_video CASCADE")
        cursor.execute("DROP INDEX IF EXISTS segment_embedding_hnsw")
    rng, name = random.Random(SEED), get_text_embedder().name  # noqa: S311  (reproducible corpus)
    for first in range(0, len(texts), SEGMENTS_PER_VIDEO):
        duration = rng.uniform(60, 3600)
        video = Video.objects.create(
            title=f"bench {first}", original="none.mp4", size_bytes=1, duration=duration
        )
        job = Job.objects.create(kind=MODERATION, video=video)
        state = rng.choice(["clean", "clean", "approved", "auto_censored", "queued", "rejected"])
        labels = ["FACE"] if rng.random() < 0.3 else []
        Segment.objects.bulk_create(
            Segment(video=video, job=job, start=10.0 * i, end=10.0 * i + 10, text=texts[first + i],
                    keyframe_time=10.0 * i + 5, labels=labels, embedding=vectors[first + i],
                    embedding_model=name, moderation_state=state, video_created_at=video.created_at,
                    video_duration=duration)
            for i in range(min(SEGMENTS_PER_VIDEO, len(texts) - first))
        )  # fmt: skip
    return time.monotonic() - started


def _build_index() -> float:
    from search.models import HNSW_EF_CONSTRUCTION, HNSW_M

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "CREATE INDEX segment_embedding_hnsw ON search_segment USING hnsw (embedding vector_cosine_ops) "
            f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
        )
        cursor.execute("ANALYZE search_segment")
    return time.monotonic() - started


def _timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return (time.perf_counter() - started) * 1000, result


def _stats(millis: list[float]) -> dict[str, float]:
    ordered = sorted(millis)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * len(ordered)) - 1], 2),
    }


# About 20 % of the rows pass: a settled moderation state (4 of 6 videos) and a face seen (3 in 10).
NARROW = {"settled_only": True, "labels": ("FACE",)}


def _exact(vector: np.ndarray, filters: dict[str, Any]) -> list[int]:
    """Top K by an exact scan (no index), over the rows the search may return under these filters."""
    from pgvector.django import CosineDistance

    from search import query

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        rows = query.filtered(query.SearchFilters(**filters)).order_by(CosineDistance("embedding", vector))
        return list(rows.values_list("id", flat=True)[:K])


def _vector_only(vectors: np.ndarray, ef_search: int, filters: dict[str, Any]) -> dict[str, Any]:
    """The production vector list (top 50 through HNSW), its top K against an exact scan."""
    from search import query

    millis, recalls, full = [], [], 0
    segments = query.filtered(query.SearchFilters(**filters))
    for vector in vectors:
        nearest = functools.partial(query._nearest, segments, "embedding", vector.tolist(), ef_search)
        elapsed, found = _timed(nearest)
        ids = [segment_id for segment_id, _ in found]
        millis.append(elapsed)
        recalls.append(len(set(ids[:K]) & set(_exact(vector, filters))) / K)
        full += len(ids) == query.CANDIDATES
    return {
        "ef_search": ef_search, "filters": str(filters or "none"), **_stats(millis),
        f"recall@{K}": round(statistics.mean(recalls), 4), "full_lists": f"{full}/{len(vectors)}",
    }  # fmt: skip


def _hybrid(texts: list[str], ef_search: int) -> dict[str, Any]:
    from search.query import SearchFilters, search_segments

    for text in texts:  # warm the per-tenant query-embedding cache: this measures the database side
        search_segments(text, SearchFilters(), K, ef_search)
    millis = [_timed(functools.partial(search_segments, t, SearchFilters(), K, ef_search))[0] for t in texts]
    return {"ef_search": ef_search, **_stats(millis)}


def measure() -> dict[str, Any]:
    from django_tenants.utils import schema_context

    from search.models import Segment

    rng = random.Random(SEED)  # noqa: S311  (reproducible corpus)
    texts = [segment_text(rng) for _ in range(SEGMENTS)]
    queries = [f"{rng.choice(SPEAKERS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}" for _ in range(QUERIES)]
    vectors, query_vectors = _embedded("corpus", texts), _embedded("queries", queries)
    report: dict[str, Any] = {"segments": SEGMENTS, "queries": QUERIES, "cpus": os.cpu_count()}
    with schema_context(_bench_tenant().schema_name):
        if Segment.objects.count() != SEGMENTS or os.environ.get("BENCH_SEARCH_REBUILD"):
            report["insert_seconds"] = round(_fill(texts, vectors), 1)
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS segment_embedding_hnsw")
        report["index_build_seconds"] = round(_build_index(), 1)
        report["exact_scan"] = _stats([_timed(functools.partial(_exact, v, {}))[0] for v in query_vectors])
        report["vector_only"] = [_vector_only(query_vectors, ef, {}) for ef in EF_SEARCH_SWEEP]
        report["vector_filtered"] = _vector_only(query_vectors, settings.SEARCH_EF_SEARCH, NARROW)
        report["hybrid"] = _hybrid(queries, settings.SEARCH_EF_SEARCH)
    chosen = next(row for row in report["vector_only"] if row["ef_search"] == settings.SEARCH_EF_SEARCH)
    report["hnsw_over_exact_p50"] = round(chosen["p50_ms"] / report["exact_scan"]["p50_ms"], 4)
    return report


def main() -> None:
    with stack.embedded_services():
        stack.migrate()
        report = measure()
    print(json.dumps(report, indent=2))
    (Path(settings.VAR_DIR) / "bench" / "search.json").write_text(json.dumps(report, indent=2))
