"""Indexing a job's artifacts into segments: windows, labels, keyframes, models; re-runs; re-indexing."""

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from gpu_worker.embeddings import get_text_embedder
from media_jobs import artifacts
from media_jobs.models import Artifact, Job, Video
from moderation.models import Case
from moderation.stages import DETECTIONS, MODERATION, TRANSCRIPT
from search import services
from search.models import Segment
from search.query import SearchFilters, search_segments
from search.tests.clip_model import save_tiny_clip

SAID = [
    ("Welcome", 0.2), ("to", 0.6), ("the", 0.9), ("launch.", 1.2), ("The", 2.0), ("price", 2.4), ("is", 2.8),
    ("ten", 3.1), ("dollars.", 3.5), ("Now", 6.0), ("the", 6.4), ("weather", 6.8), ("forecast", 7.2),
    ("for", 7.6), ("tomorrow.", 8.0),
]  # fmt: skip


def _indexable_job(tenant, state=Case.State.CLEAN) -> Job:
    """A moderation job whose stages left what indexing reads: frames, detections, transcript, scenes."""
    with schema_context(tenant.schema_name):
        video = Video.objects.create(title="Launch", original="none.mp4", size_bytes=1, duration=10.0)
        job = Job.objects.create(kind=MODERATION, video=video)
        Case.objects.create(video=video, state=state)
        colours = [(250, 20, 20)] * 5 + [(20, 20, 250)] * 5  # a cut between 4 s and 5 s
        artifacts.save_frames(
            job, [(float(t), np.full((48, 64, 3), c, np.uint8)) for t, c in enumerate(colours)]
        )
        face = {"label": "FACE", "score": 0.9, "x1": 0.1, "y1": 0.1, "x2": 0.3, "y2": 0.4}
        detections = [{"t": float(t), "boxes": [face] if t < 4 else []} for t in range(10)]
        artifacts.save_json(job, DETECTIONS, detections)
        words = [{"text": w, "start": t, "end": t + 0.3, "probability": 0.9} for w, t in SAID]
        artifacts.save_json(job, TRANSCRIPT, {"words": words, "alternatives": []})
        artifacts.save_json(job, Artifact.Kind.SCENES, {"cuts": [[4.0, 5.0]]})
        return Job.objects.select_related("video").get(id=job.pk)


def _index(tenant, job) -> dict:
    with schema_context(tenant.schema_name):
        return services.do_index_video(job, lambda fraction: None)


def test_it_indexes_speech_windows_with_labels_and_keyframes(world):
    job = _indexable_job(world.acme, state=Case.State.QUEUED)
    report = _index(world.acme, job)
    with schema_context(world.acme.schema_name):
        segments = list(Segment.objects.filter(video=job.video).order_by("start"))
    assert report["segments"] == 2 and report["image_model"] == "off"
    first, second = segments
    assert first.text == "Welcome to the launch. The price is ten dollars."
    assert (first.start, first.end) == (0.2, 3.8)
    assert second.text == "Now the weather forecast for tomorrow."
    assert first.labels == ["FACE"] and second.labels == []
    assert first.keyframe_time == 2.0 and second.keyframe_time == 7.0
    assert first.moderation_state == second.moderation_state == Case.State.QUEUED
    assert first.video_duration == 10.0 and first.embedding_model == get_text_embedder().name
    expected = get_text_embedder().embed([first.text])[0]
    assert np.allclose(first.embedding, expected, atol=1e-5)


def test_it_replaces_segments_when_run_again(world):
    job = _indexable_job(world.acme)
    _index(world.acme, job)
    with schema_context(world.acme.schema_name):
        before = set(Segment.objects.values_list("id", flat=True))
    _index(world.acme, job)
    with schema_context(world.acme.schema_name):
        after = list(Segment.objects.values_list("start", flat=True).order_by("start"))
        assert set(Segment.objects.values_list("id", flat=True)).isdisjoint(before)
    assert after == [0.2, 6.0]


def test_it_reindexes_a_tenant_when_the_model_changes(world, capsys):
    job = _indexable_job(world.acme)
    _index(world.acme, job)
    with schema_context(world.acme.schema_name):
        Segment.objects.update(embedding_model="all-MiniLM-L6-v2@old", embedding=[0.0] * 383 + [1.0])
    call_command("reindex_search", "acme")
    assert "1 video(s) to index" in capsys.readouterr().out
    with schema_context(world.acme.schema_name):
        assert set(Segment.objects.values_list("embedding_model", flat=True)) == {get_text_embedder().name}
        assert Segment.objects.count() == 2
    call_command("reindex_search", "acme")
    assert "0 video(s) to index" in capsys.readouterr().out


def test_it_refuses_to_reindex_an_unknown_tenant(world):
    with pytest.raises(CommandError, match="no tenant 'nobody'"):
        call_command("reindex_search", "nobody")


def test_it_indexes_keyframes_and_searches_them_when_clip_is_on(world, settings, tmp_path):
    job = _indexable_job(world.acme)
    _index(world.acme, job)
    weights, config = save_tiny_clip(tmp_path)
    settings.CLIP_MODEL_PATH, settings.CLIP_MODEL_CONFIG = str(weights), str(config)
    with schema_context(world.acme.schema_name):
        text_model, image_model = services.current_models()
        assert services.stale_videos(text_model, image_model) == [job.video_id]  # indexed without CLIP
    call_command("reindex_search", "acme")
    with schema_context(world.acme.schema_name):
        segments = list(Segment.objects.order_by("start"))
        assert all(s.image_model == image_model and s.image_embedding is not None for s in segments)
        hits = search_segments("a red picture", SearchFilters(), 5, ef_search=100)
    assert any("picture" in hit.matched_by for hit in hits)
