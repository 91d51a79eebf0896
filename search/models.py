from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone
from pgvector.django import HnswIndex, VectorField

from media_jobs.models import Job, Video

TEXT_DIMENSIONS = 384  # all-MiniLM-L6-v2
IMAGE_DIMENSIONS = 512  # CLIP ViT-B-32
# HNSW build parameters, chosen with bench/search.py (100k segments: recall@10 and p95 latency).
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64


class Segment(models.Model):
    """A searchable span of a video: a few sentences within one scene, with what was seen in it.

    Video facts used by filters (upload time, duration, moderation state) are copied here so that a
    filtered vector search stays one index scan on one table; search.services keeps them in sync.
    """

    class Source(models.TextChoices):
        SPEECH = "speech", "Speech and scenes"  # what was said, or a scene with nothing said
        SCREEN = "screen", "On screen"  # text shown on screen (captions, slides, signs) while it was shown

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="segments")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SPEECH)
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")  # whose artifacts it came from
    start = models.FloatField(help_text="seconds")
    end = models.FloatField(help_text="seconds")
    text = models.TextField(blank=True)
    keyframe_time = models.FloatField(help_text="seconds: the sampled frame shown for this segment")
    labels = ArrayField(models.CharField(max_length=60), default=list, blank=True)  # detector classes seen
    embedding = VectorField(dimensions=TEXT_DIMENSIONS)
    embedding_model = models.CharField(max_length=120)  # name@version of the model that made `embedding`
    image_embedding = VectorField(dimensions=IMAGE_DIMENSIONS, null=True, blank=True)
    image_model = models.CharField(max_length=120, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"), output_field=SearchVectorField(), db_persist=True
    )
    moderation_state = models.CharField(max_length=20, db_index=True)  # the video's Case.state
    video_created_at = models.DateTimeField()
    video_duration = models.FloatField(help_text="seconds")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["video", "start"]
        indexes = [
            HnswIndex(
                name="segment_embedding_hnsw", fields=["embedding"], m=HNSW_M,
                ef_construction=HNSW_EF_CONSTRUCTION, opclasses=["vector_cosine_ops"],
            ),
            HnswIndex(
                name="segment_image_hnsw", fields=["image_embedding"], m=HNSW_M,
                ef_construction=HNSW_EF_CONSTRUCTION, opclasses=["vector_cosine_ops"],
            ),
            GinIndex(name="segment_search_vector_gin", fields=["search_vector"]),
            GinIndex(name="segment_labels_gin", fields=["labels"]),
            models.Index(name="segment_video_start", fields=["video", "start"]),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.video_id} {self.start:.1f}-{self.end:.1f} s"


class Search(models.Model):
    """A search someone ran (the search page or the API): what they asked, with which filters, and how
    many results they were shown. Tenant rows: another tenant's schema has no such table rows to read."""

    class Source(models.TextChoices):
        PAGE = "page", "Search page"
        API = "api", "API"

    text = models.CharField(max_length=500)  # the query, its whitespace collapsed
    filters = models.JSONField(default=dict, blank=True)  # the filters given (not the defaults)
    source = models.CharField(max_length=8, choices=Source.choices)
    result_count = models.PositiveIntegerField()  # results shown, weak matches included
    strong_count = models.PositiveIntegerField()  # results that really match (see search.query.Hit.weak)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.text!r} ({self.result_count} results)"


class SearchResult(models.Model):
    """A result shown for a search, at its rank. Plain ids, not foreign keys: indexing a video again
    replaces its segments, and the record of what was shown stays as it was."""

    search = models.ForeignKey(Search, on_delete=models.CASCADE, related_name="results")
    rank = models.PositiveSmallIntegerField()  # 1 = shown first
    segment_id = models.BigIntegerField()
    video_id = models.BigIntegerField()
    start = models.FloatField(help_text="seconds: where the result plays from")

    class Meta:
        ordering = ["search", "rank"]
        constraints = [models.UniqueConstraint(fields=["search", "rank"], name="search_result_rank")]

    def __str__(self) -> str:
        return f"{self.search_id} #{self.rank}: segment {self.segment_id}"


class SearchClick(models.Model):
    """Someone followed a result (the page's link, or a click an API client reported)."""

    result = models.ForeignKey(SearchResult, on_delete=models.CASCADE, related_name="clicks")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"click on {self.result}"
