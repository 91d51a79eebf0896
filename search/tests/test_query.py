import datetime

import numpy as np
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from gpu_worker.embeddings import get_text_embedder
from media_jobs.models import Job, Video
from moderation.models import Case
from moderation.stages import MODERATION
from search import query
from search.models import Segment
from search.query import SearchFilters, search_segments
from search.tests.factories import make_indexed_video

LAUNCH = "The chief executive laughed when we talked about the product launch next week."
PRICING = "Our subscription costs nineteen dollars a month, with a discount for annual plans."
WEATHER = "It rained all morning, so the football training moved indoors."


def _search(tenant, q, limit=5, **filters):
    with schema_context(tenant.schema_name):
        return search_segments(q, SearchFilters(**filters), limit, ef_search=100)


def test_it_finds_a_moment_by_meaning(world):
    make_indexed_video(world.acme, [WEATHER, LAUNCH, PRICING])
    hits = _search(world.acme, "how much does it cost per month")
    assert hits[0].segment.text == PRICING
    assert "meaning" in hits[0].matched_by
    assert (hits[0].segment.start, hits[0].segment.end) == (20.0, 30.0)


def test_it_fuses_word_matches_and_highlights_them(world):
    make_indexed_video(world.acme, [WEATHER, LAUNCH, PRICING])
    hits = _search(world.acme, "football")
    assert hits[0].segment.text == WEATHER
    assert set(hits[0].matched_by) == {"meaning", "words"}
    assert "<mark>football</mark>" in hits[0].snippet
    assert "<mark>" not in hits[1].snippet  # found by meaning only


def test_it_needs_every_word_for_a_word_match_but_marks_any(world):
    make_indexed_video(world.acme, [WEATHER, LAUNCH, PRICING])
    hits = {hit.segment.text: hit for hit in _search(world.acme, "football launch")}
    assert all("words" not in hit.matched_by for hit in hits.values())  # no segment has both words
    assert "<mark>football</mark>" in hits[WEATHER].snippet and "<mark>launch</mark>" in hits[LAUNCH].snippet
    hits = {hit.segment.text: hit for hit in _search(world.acme, '"product launch" or football')}
    assert "words" in hits[LAUNCH].matched_by and "words" in hits[WEATHER].matched_by


def test_it_escapes_transcripts_in_snippets(world):
    make_indexed_video(world.acme, ["<script>alert(1)</script> the football match"])
    (hit,) = _search(world.acme, "football")
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "<mark>football</mark>" in hit.snippet


def test_it_filters_by_video_duration_date_and_labels(world):
    short = make_indexed_video(world.acme, [PRICING], duration=30.0, labels=[["FACE"]])
    long = make_indexed_video(world.acme, [PRICING], duration=300.0)
    with schema_context(world.acme.schema_name):
        Segment.objects.filter(video=long).update(
            video_created_at=timezone.now() - datetime.timedelta(days=30)
        )

    def videos(**filters):
        return {hit.segment.video_id for hit in _search(world.acme, "price", **filters)}

    assert videos() == {short.pk, long.pk}
    assert videos(video_id=long.pk) == {long.pk}
    assert videos(min_duration=60.0) == {long.pk}
    assert videos(max_duration=60.0) == {short.pk}
    assert videos(created_after=timezone.now() - datetime.timedelta(days=1)) == {short.pk}
    assert videos(created_before=timezone.now() - datetime.timedelta(days=1)) == {long.pk}
    assert videos(labels=("FACE",)) == {short.pk}
    assert videos(labels=("FACE", "FEMALE_BREAST_EXPOSED")) == set()


def test_it_filters_out_videos_waiting_for_a_moderator(world):
    clean = make_indexed_video(world.acme, [PRICING], state=Case.State.APPROVED)
    queued = make_indexed_video(world.acme, [PRICING], state=Case.State.QUEUED)
    every = {hit.segment.video_id for hit in _search(world.acme, "price")}
    settled = {hit.segment.video_id for hit in _search(world.acme, "price", settled_only=True)}
    assert every == {clean.pk, queued.pk}
    assert settled == {clean.pk}


def test_it_never_returns_a_rejected_video(world):
    rejected = make_indexed_video(world.acme, [PRICING], state=Case.State.REJECTED)
    assert _search(world.acme, "subscription costs nineteen dollars") == []
    # Even if the copied state lags behind the case, the case itself is checked at the end.
    with schema_context(world.acme.schema_name):
        Segment.objects.filter(video=rejected).update(moderation_state=Case.State.CLEAN)
    assert _search(world.acme, "subscription costs nineteen dollars") == []


def test_it_returns_k_results_under_a_narrow_filter(world):
    """pgvector 0.8's iterative index scan: the HNSW scan goes on until enough rows pass the filter."""
    rng = np.random.default_rng(7)
    with schema_context(world.acme.schema_name):
        video = Video.objects.create(title="many", original="none.mp4", size_bytes=1, duration=9999)
        job = Job.objects.create(kind=MODERATION, video=video)
        vectors = rng.normal(size=(3000, 384)).astype(np.float32)
        Segment.objects.bulk_create(
            Segment(video=video, job=job, start=i, end=i + 1, text="", keyframe_time=i, embedding=vector,
                    labels=["RARE"] if i % 200 == 0 else [], embedding_model="random",
                    moderation_state="clean",
                    video_created_at=video.created_at, video_duration=9999)
            for i, vector in enumerate(vectors)
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_segment")
            # As on a large table, where the planner takes the HNSW index (not a scan of the labels).
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_bitmapscan = off")
        try:
            rare = query.filtered(SearchFilters(labels=("RARE",)))
            found = query._nearest(rare, "embedding", vectors[1].tolist(), ef_search=10)
            with connection.cursor() as cursor:
                cursor.execute("SET hnsw.iterative_scan = off")
                cursor.execute("SET hnsw.ef_search = 10")
                plain = list(
                    rare.order_by(query.CosineDistance("embedding", vectors[1])).values_list("id", flat=True)[
                        :50
                    ]
                )
        finally:
            with connection.cursor() as cursor:
                for name in ("enable_seqscan", "enable_bitmapscan", "hnsw.iterative_scan", "hnsw.ef_search"):
                    cursor.execute(f"RESET {name}")
    assert len(found) == 15  # every one of the 15 rare segments, though ef_search is 10
    assert len(plain) < 15  # what a plain HNSW scan returns with the same filter


def test_it_caches_query_embeddings_per_tenant(world):
    make_indexed_video(world.acme, [PRICING])
    name = get_text_embedder().name
    key = f"search:q:text:{query.hashlib.sha256(f'{name}|what does it cost'.encode()).hexdigest()}"
    with schema_context(world.acme.schema_name):
        cache.delete(key)
    _search(world.acme, "what does it cost")
    with schema_context(world.acme.schema_name):
        cached = cache.get(key)
    with schema_context(world.globex.schema_name):
        assert cache.get(key) is None  # the key function puts the tenant's schema in every key
    assert cached is not None and len(cached) == 384
    expected = get_text_embedder().embed(["what does it cost"])[0]
    assert np.allclose(cached, expected, atol=1e-6)


def test_it_never_touches_another_tenants_segments(world):
    make_indexed_video(world.acme, [WEATHER, LAUNCH, PRICING])
    assert len(_search(world.acme, "football training")) == 3
    assert _search(world.globex, "football training") == []
    make_indexed_video(world.globex, ["Globex quarterly numbers"])
    hits = _search(world.globex, "football training")
    assert [hit.segment.text for hit in hits] == ["Globex quarterly numbers"]


@pytest.mark.parametrize("text", ["", "   ", "!!!"])
def test_it_has_no_word_query_for_text_without_words(text):
    assert query.text_query(text) is None


def test_it_fuses_rankings_by_reciprocal_rank():
    fused = query.fuse({"meaning": [1, 2, 3], "words": [3, 4]})
    assert [segment_id for segment_id, _, _ in fused] == [3, 1, 2, 4]
    assert fused[0][1] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[0][2] == ["meaning", "words"]


def test_a_query_with_no_real_match_says_so(world):
    make_indexed_video(world.acme, [PRICING, "First, chop two onions and fry them slowly in butter.", ""])
    with schema_context(world.acme.schema_name):
        nothing = query.search_segments(
            "photosynthesis in tropical rainforest canopies", SearchFilters(), 10, settings.SEARCH_EF_SEARCH
        )
        onions = query.search_segments(
            "softening onions in a pan", SearchFilters(), 10, settings.SEARCH_EF_SEARCH
        )
    assert nothing and all(hit.weak for hit in nothing)  # shown, but marked: no strong match
    assert all(hit.similarity is not None and hit.similarity < query.MEANING_FLOOR for hit in nothing)
    assert not onions[0].weak and "onions" in onions[0].segment.text
    assert all(hit.segment.text for hit in nothing + onions)  # a segment with no words answers no text query
