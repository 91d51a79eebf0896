"""Search quality on the evaluation set: spoken topics through the real pipeline (transcription,
scene cuts, indexing), then queries that say the same thing in other words."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from media_jobs import services
from media_jobs.models import Job, Stage
from search.models import Segment
from search.query import SearchFilters, search_segments
from search.stages import INDEX
from search.tests.eval_media import EVAL_CLIPS, make_eval_video, scene_cuts, truth


@pytest.fixture
def indexed_eval_set(work_queued_jobs, committed_db, tmp_path) -> dict[str, int]:
    """The evaluation clips, moderated and indexed by a real worker; clip name -> video id."""
    jobs = {}
    with schema_context(committed_db.acme.schema_name):
        for name in EVAL_CLIPS:
            path = make_eval_video(name, tmp_path / f"{name}.mp4")
            jobs[name] = services.do_submit_video(committed_db.alice.user, path, f"{name}.mp4")
    work_queued_jobs()
    with schema_context(committed_db.acme.schema_name):
        for job in jobs.values():
            job.refresh_from_db()
            assert job.state == Job.State.SUCCEEDED, job.error
            assert job.stages.get(name=INDEX).state == Stage.State.SUCCEEDED
    return {name: job.video_id or 0 for name, job in jobs.items()}  # every pipeline job has a video


def _rank(hits, video_id: int, topic: dict) -> int | None:
    middle = (topic["start"] + topic["end"]) / 2
    for rank, hit in enumerate(hits, start=1):
        if hit.segment.video_id == video_id and hit.segment.start <= middle <= hit.segment.end:
            return rank
    return None


def test_it_finds_every_paraphrase_in_the_top_3(indexed_eval_set, committed_db):
    ranks = {}
    with schema_context(committed_db.acme.schema_name):
        for name, video_id in indexed_eval_set.items():
            for topic in truth(name)["topics"]:
                hits = search_segments(topic["query"], SearchFilters(), 10, settings.SEARCH_EF_SEARCH)
                ranks[topic["query"]] = _rank(hits, video_id, topic)
    recall_at_5 = sum(rank is not None and rank <= 5 for rank in ranks.values()) / len(ranks)
    mrr = sum(1 / rank for rank in ranks.values() if rank) / len(ranks)
    print(
        f"\nsearch evaluation: {len(ranks)} queries, recall@5 {recall_at_5:.2f}, MRR {mrr:.3f}, ranks {ranks}"
    )
    assert all(rank is not None and rank <= 3 for rank in ranks.values()), ranks


def test_it_cuts_segments_at_scene_changes(indexed_eval_set, committed_db):
    with schema_context(committed_db.acme.schema_name):
        for name, video_id in indexed_eval_set.items():
            segments = list(Segment.objects.filter(video_id=video_id).order_by("start"))
            clip = truth(name)
            assert len(segments) == len(clip["topics"]), [s.text for s in segments]
            cuts = [0.0, *scene_cuts(clip), clip["duration"]]
            for segment, scene_start, scene_end in zip(segments, cuts, cuts[1:], strict=False):
                # One window per scene; Whisper's last word of a scene may run on into the pause.
                assert scene_start - 0.1 <= segment.start and segment.end <= scene_end + 0.5, segment
            for segment in segments:
                assert segment.start <= segment.keyframe_time <= segment.end
                assert segment.embedding_model.startswith("all-MiniLM-L6-v2@gt-")
                assert segment.image_embedding is None and segment.image_model == ""  # no CLIP weights
