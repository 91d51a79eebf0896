"""Text burned into a video, through the real pipeline (PP-OCRv4 on a real worker): a corner watermark is
queued for a rights review and never censored, the captions are found by search in the tenant's own
schema only, and a video without text gets no watermark flag."""

from __future__ import annotations

from django_tenants.utils import schema_context

from media_jobs import services
from media_jobs.models import Job
from moderation.models import Action, Case, Kind
from moderation.services import censor_plan
from moderation.tests.text_media import Caption, make_text_video
from search.models import Segment
from search.query import SearchFilters, search_segments

CAPTIONS = [Caption("Q3 revenue grew forty percent", 0.0, 3.0), Caption("Thanks for watching", 3.0, 6.0)]


def _search(tenant, query):
    with schema_context(tenant.schema_name):
        return search_segments(query, SearchFilters(), 5, ef_search=100)


def _moderate(world, work_queued_jobs, tmp_path) -> tuple[Job, Job]:
    marked = make_text_video(tmp_path / "marked.mp4", CAPTIONS, watermark="ACME TV", duration=6.0)
    plain = make_text_video(tmp_path / "plain.mp4", [], duration=5.0, seed=1)
    with schema_context(world.acme.schema_name):
        jobs = [services.do_submit_video(world.alice.user, v.path, v.path.name) for v in (marked, plain)]
    work_queued_jobs()
    with schema_context(world.acme.schema_name):
        done = [Job.objects.select_related("video").get(id=job.pk) for job in jobs]
    assert [job.state for job in done] == [Job.State.SUCCEEDED] * 2, [job.error for job in done]
    return done[0], done[1]


def test_it_flags_a_corner_watermark_and_finds_the_captions(work_queued_jobs, committed_db, tmp_path):
    marked, plain = _moderate(committed_db, work_queued_jobs, tmp_path)
    with schema_context(committed_db.acme.schema_name):
        case = Case.objects.get(video=marked.video)
        (watermark,) = case.flags.filter(kind=Kind.WATERMARK)
        assert watermark.action == Action.REVIEW and case.state == Case.State.QUEUED
        assert watermark.label.replace(" ", "") == "ACMETV" and watermark.boxes[0]["x1"] > 0.7
        assert censor_plan(marked.video).is_empty  # queued for a rights review, never blurred on its own
        assert not Case.objects.get(video=plain.video).flags.filter(kind=Kind.WATERMARK).exists()
        stage = marked.stages.get(name="read_text")
        assert stage.metrics["read"] < stage.metrics["boxes"]  # unchanged text is not read again
    hits = _search(committed_db.acme, "Q3 revenue")
    assert hits and hits[0].segment.source == Segment.Source.SCREEN
    assert "revenue" in hits[0].segment.text and hits[0].segment.start < 1.0
    assert all("revenue" not in hit.segment.text for hit in _search(committed_db.globex, "Q3 revenue"))
