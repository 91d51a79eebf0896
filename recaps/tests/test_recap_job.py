"""A recap of a real video on a real worker: moderation first, then the shots found, a three-scene script
matched to what is said, reviewed (a shot swapped), rendered within the rights guard, and charged."""

from __future__ import annotations

from pathlib import Path

import av
import pytest
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import UsageEntry
from media_jobs import services as media_services
from media_jobs.models import Job
from recaps.alignment import WEAK_CONFIDENCE
from recaps.cutting import reuse_of
from recaps.media.types import Cut
from recaps.models import Recap, Shot
from reelremix.demo_video import make_story_video, talk_topics

SCRIPT = """# The party
The boss laughed all evening about the launch celebration and its rocket-shaped cake.

# Security
Everyone must switch on two-factor sign-in, because someone tried to steal passwords.

# Dinner
Next comes the cooking: onions are chopped and fried slowly in butter until golden.
"""
TOPIC_OF_SCENE = [1, 4, 5]  # the talk's topics (reelremix.demo_video.talk_topics) the scenes retell


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> tuple[Path, list[float]]:
    path = tmp_path_factory.mktemp("recaps") / "story.mp4"
    return path, make_story_video(path, size=(320, 180), fps=15)


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _duration(path: str) -> float:
    with av.open(path) as container:
        return float(container.duration or 0) / av.time_base


def test_it_aligns_a_script_reviews_and_renders_a_recap(work_queued_jobs, committed_db, story):
    world, schema = committed_db, committed_db.acme.schema_name
    path, cuts = story
    with schema_context(schema):
        upload = media_services.do_submit_video(world.alice.user, path, "story.mp4")
    work_queued_jobs()
    made = _api(world.alice).post(
        f"/api/v1/videos/{upload.video_id}/recaps/",
        {"script": SCRIPT, "render": False, "intro": "The week in review"},
        content_type="application/json",
    )
    assert made.status_code == 202, made.content
    work_queued_jobs()
    with schema_context(schema):
        recap = Recap.objects.get(pk=made.json()["id"])
        _check_shots(recap, cuts)
        _check_alignment(recap)
    _check_a_swap(world, recap)
    rendered = _api(world.alice).post(f"/api/v1/recaps/{recap.pk}/render/")
    assert rendered.status_code == 202, rendered.content
    work_queued_jobs()
    with schema_context(schema):
        _check_rendered(world, Recap.objects.get(pk=recap.pk))
    _check_isolation(world, recap)


def _check_shots(recap: Recap, cuts: list[float]) -> None:
    """PySceneDetect found every backdrop change on its frame (15 fps: within one frame)."""
    shots = list(Shot.objects.filter(video=recap.video))
    assert len(shots) == len(cuts) + 1
    assert all(abs(shot.start - cut) <= 1 / 15 + 1e-3 for shot, cut in zip(shots[1:], cuts, strict=True))
    assert all(Path(shot.thumbnail.path).read_bytes()[:3] == b"\xff\xd8\xff" for shot in shots)


def _check_alignment(recap: Recap) -> None:
    """Each scene anchored inside the topic it retells, confidently; each filled with cuts from there."""
    assert recap.state == Recap.State.REVIEW and recap.job is not None
    assert recap.job.state == Job.State.SUCCEEDED, recap.job.error
    topics = talk_topics()
    for scene, topic in zip(recap.scenes.all(), TOPIC_OF_SCENE, strict=True):
        truth = topics[topic]
        assert scene.anchor_start is not None and scene.confidence is not None
        assert truth.start - 1.0 <= scene.anchor_start <= truth.end, (scene.text, scene.anchor_start, truth)
        assert scene.confidence >= WEAK_CONFIDENCE, (scene.text, scene.similarity, scene.confidence)
        assert sum(end - start for start, end in scene.cuts) == pytest.approx(scene.length, abs=0.01)
        assert scene.cuts[0][0] == pytest.approx(scene.anchor_start, abs=0.01)


def _check_a_swap(world, recap: Recap) -> None:
    api = _api(world.alice)
    swapped = api.patch(
        f"/api/v1/recaps/{recap.pk}/scenes/0/", {"shots": [7]}, content_type="application/json"
    )
    assert swapped.status_code == 200, swapped.content
    body = swapped.json()
    assert body["pinned"] and body["shots"] == [7]
    with schema_context(world.acme.schema_name):
        shot = Shot.objects.get(video=recap.video, index=7)
    assert shot.start <= body["cuts"][0][0] < shot.end
    refused = api.patch(
        f"/api/v1/recaps/{recap.pk}/scenes/0/", {"shots": [99]}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_shots"


def _check_rendered(world, recap: Recap) -> None:
    """The recap lasts its scenes and intro card less the crossfades, never shows more than max_run of
    continuous source, and is charged the seconds it lasts."""
    job = recap.job
    assert job is not None
    assert job.state == Job.State.SUCCEEDED, job.error
    assert recap.state == Recap.State.READY
    scenes = list(recap.scenes.all())
    expected = sum(scene.length for scene in scenes) + 2.5 - 0.4 * len(scenes)
    assert _duration(recap.file.path) == pytest.approx(expected, abs=0.2)
    every = [Cut(start, end) for scene in scenes for start, end in scene.cuts]
    assert reuse_of(every, recap.video.duration).longest_run <= recap.max_run
    assert recap.report["reuse"]["longest_run"] <= recap.max_run and 0 < recap.report["reuse"]["share"] < 1
    charged = UsageEntry.objects.get(tenant=world.acme, job_id=recap.job_id)
    assert charged.state == UsageEntry.State.COMMITTED
    assert charged.seconds == pytest.approx(recap.duration, abs=0.01)


def _check_isolation(world, recap: Recap) -> None:
    own, other = _api(world.alice), _api(world.charlie)
    assert own.get(f"/recaps/{recap.pk}.mp4").status_code == 200
    video = recap.video_id
    for url in (f"/api/v1/recaps/{recap.pk}/", f"/recaps/{recap.pk}.mp4", f"/videos/{video}/shots/0.jpg",
                f"/api/v1/videos/{video}/shots/"):  # fmt: skip
        assert other.get(url).status_code == 404, url
    assert other.get("/api/v1/recaps/").json()["results"] == []
    assert other.post(f"/api/v1/recaps/{recap.pk}/render/").status_code == 404
    page = Client(HTTP_HOST=world.alice.host)
    with schema_context(world.acme.schema_name):
        page.force_login(world.alice.user)
    html = page.get(f"/recaps/{recap.pk}/").content.decode()
    assert "Security" in html and "Render again" in html
    assert "shots found" in page.get(f"/videos/{recap.video_id}/").content.decode()
