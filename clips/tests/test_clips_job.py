"""Clips of a real video on a real worker: moderation first, then clips found on sentence boundaries,
rendered 9:16 with their score breakdown, charged by the minutes rendered, edited and compiled."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import UsageEntry
from clips import rendering, services
from clips.models import Clip, ClipEdit, Compilation, Rendition
from clips.selection import ClipOptions
from media_jobs import services as media_services
from media_jobs.models import Job
from reelremix.demo_video import make_talk_video


@pytest.fixture(scope="module")
def talk(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clips") / "talk.mp4"
    make_talk_video(path, size=(320, 180), fps=15)
    return path


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _probe(path: str) -> tuple[int, int, float, bool]:
    with av.open(path) as container:
        video = container.streams.video[0]
        return (
            video.width,
            video.height,
            float(container.duration or 0) / av.time_base,
            bool(container.streams.audio),
        )


def test_clips_of_a_talk_are_found_rendered_edited_and_compiled(work_queued_jobs, committed_db, talk):
    world, schema = committed_db, committed_db.acme.schema_name
    with schema_context(schema):
        upload = media_services.do_submit_video(world.alice.user, talk, "talk.mp4")
    work_queued_jobs()
    with schema_context(schema):
        video = Job.objects.get(pk=upload.pk).video
        run = services.do_start_clips(video, world.alice.user, ClipOptions(8.0, 20.0, 3), ["9:16"])
    work_queued_jobs()
    with schema_context(schema):
        clips = _check_rendered_run(world, video, run)
        _check_a_retry_renders_only_what_is_missing(run)
    _check_api_and_pages(world, video, clips)
    edited = _check_an_edit(world, clips[0], work_queued_jobs)
    _check_a_compilation(world, [clips[1], edited], work_queued_jobs)


def _check_rendered_run(world, video, run) -> list[Clip]:
    """Three clips on sentence boundaries, ranked, rendered 9:16 at their length, charged what they hold."""
    job = Job.objects.get(pk=run.job_id)
    assert job.state == Job.State.SUCCEEDED, job.error
    clips = list(Clip.objects.filter(run=run).order_by("rank"))
    words = services.analysis_of(video).words
    renditions = list(Rendition.objects.filter(clip__run=run).order_by("clip__rank"))
    assert len(clips) == 3 and [c.rank for c in clips] == [1, 2, 3]
    assert [c.score for c in clips] == sorted((c.score for c in clips), reverse=True)
    result = job.result
    assert result is not None and result["rendered"] == 3
    assert [c["id"] for c in result["clips"]] == [c.pk for c in clips]
    for clip, rendition in zip(clips, renditions, strict=True):
        assert 8.0 <= clip.duration <= 20.0 and clip.state == Clip.State.READY and clip.title
        said = [w for w in words if clip.start <= w["start"] and w["end"] <= clip.end]
        assert said and said[-1]["text"].rstrip().endswith((".", "?", "!"))  # a whole thought
        assert set(clip.breakdown) == {"hook", "density", "centrality", "energy", "completeness", "risk"}
        width, height, duration, has_audio = _probe(rendition.file.path)
        assert (width, height) == (1080, 1920) and has_audio and abs(duration - clip.duration) < 0.15
        assert Path(rendition.thumbnail.path).read_bytes()[:3] == b"\xff\xd8\xff"
    charged = UsageEntry.objects.get(tenant=world.acme, job_id=job.pk)
    assert charged.state == UsageEntry.State.COMMITTED
    assert abs(charged.seconds - sum(r.duration for r in renditions)) < 0.01
    return clips


def _check_a_retry_renders_only_what_is_missing(run) -> None:
    renditions = list(Rendition.objects.filter(clip__run=run).order_by("clip__rank"))
    kept = renditions[0].file.name
    Rendition.objects.filter(pk=renditions[2].pk).delete()
    rerun = rendering.render_job_clips(Job.objects.get(pk=run.job_id), lambda *args: None)
    assert rerun["renditions"] == 1 and Rendition.objects.get(pk=renditions[0].pk).file.name == kept
    assert Rendition.objects.filter(clip__run=run).count() == 3


def _check_api_and_pages(world, video, clips: list[Clip]) -> None:
    api = _api(world.alice)
    listed = api.get(f"/api/v1/clips/?video={video.pk}").json()["results"]
    assert [c["id"] for c in listed] == [c.pk for c in clips]
    assert listed[0]["breakdown"][0].keys() == {"name", "value", "weight", "why"}
    file = api.get(listed[0]["renditions"][0]["url"])
    assert file.status_code == 200 and file["Content-Type"] == "video/mp4"
    assert _api(world.charlie).get(listed[0]["renditions"][0]["url"]).status_code == 404
    page = Client(HTTP_HOST=world.alice.host)
    with schema_context(world.acme.schema_name):
        page.force_login(world.alice.user)
    assert clips[0].title in page.get(f"/videos/{video.pk}/").content.decode()
    assert "Why it scored" in page.get(f"/clips/{clips[0].pk}/").content.decode()


def _check_an_edit(world, first: Clip, work_queued_jobs) -> Clip:
    """Moved in point: snapped, kept with who, rendered again as version 2 at its new length."""
    moved = {"start": first.start + 1.0, "end": first.end}
    assert (
        _api(world.alice)
        .patch(f"/api/v1/clips/{first.pk}/", moved, content_type="application/json")
        .status_code
        == 202
    )
    work_queued_jobs()
    with schema_context(world.acme.schema_name):
        again = Clip.objects.get(pk=first.pk)
        rendition = again.renditions.get()
        assert again.version == 2 and again.state == Clip.State.READY and rendition.version == 2
        assert again.start > first.start and ClipEdit.objects.get(clip=again).user == world.alice.user
        assert abs(_probe(rendition.file.path)[2] - again.duration) < 0.15
    return again


def _check_a_compilation(world, clips: list[Clip], work_queued_jobs) -> None:
    api = _api(world.alice)
    body = {"clips": [clip.pk for clip in clips], "crossfade": 0.5}
    made = api.post("/api/v1/compilations/", body, content_type="application/json")
    assert made.status_code == 202, made.content
    work_queued_jobs()
    with schema_context(world.acme.schema_name):
        compilation = Compilation.objects.get(pk=made.json()["id"])
        assert compilation.file and compilation.ordered_clips() == clips
        expected = sum(clip.duration for clip in clips) - 0.5
        assert abs(_probe(compilation.file.path)[2] - expected) < 0.3
    link = api.get(f"/api/v1/compilations/{compilation.pk}/").json()["url"]
    assert link.startswith(f"/compilations/{compilation.pk}.mp4?expires=")
    assert Client(HTTP_HOST=world.alice.host).get(link).status_code == 200  # signed: no token needed
