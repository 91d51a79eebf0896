"""Asking for a recap, swapping its shots and rendering it: every refusal is clear and made before anything
is queued or charged, and another tenant's ids lead nowhere. No worker runs here: jobs stay queued."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import UsageEntry
from billing.tests.conftest import put_on_plan
from conftest import client_for
from media_jobs import artifacts
from media_jobs.models import Job, Video
from media_jobs.tests.factories import make_moderated_videos
from moderation.models import Case
from moderation.stages import TRANSCRIPT
from recaps.models import Recap, RecapScene, RecapSource, Shot
from recaps.services import RECAP, RECAP_ALIGN

SCRIPT = "# One\nThe team launches the product.\n\n# Two\nThe price is announced.\n\n# Three\nWe cook."


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _ask(persona, video_id: int, **body):
    return _api(persona).post(
        f"/api/v1/videos/{video_id}/recaps/", {"script": SCRIPT, **body}, content_type="application/json"
    )


def _recap_jobs(tenant) -> int:
    with schema_context(tenant.schema_name):
        return Job.objects.filter(kind__in=[RECAP, RECAP_ALIGN]).count()


def test_a_moderated_video_gets_a_recap_job_with_its_minutes_reserved(world):
    video = make_moderated_videos(world.acme, 1)[0]
    response = _ask(world.alice, video.pk, intro="Previously")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "aligning" and [s["heading"] for s in body["scenes"]] == ["One", "Two", "Three"]
    with schema_context(world.acme.schema_name):
        recap = Recap.objects.get(pk=body["id"])
        assert recap.job is not None and recap.job.kind == RECAP
        assert sorted(recap.job.stages.values_list("name", "state")) == [
            ("recap_align", "pending"), ("recap_render", "pending"), ("recap_shots", "queued"),
        ]  # fmt: skip
    entry = UsageEntry.objects.get(job_id=body["job"], tenant=world.acme)
    assert entry.state == UsageEntry.State.RESERVED and entry.seconds == pytest.approx(3 * 2.5 + 2.5)


def test_review_first_reserves_nothing_until_the_render(world):
    video = make_moderated_videos(world.acme, 1)[0]
    body = _ask(world.alice, video.pk, render=False).json()
    with schema_context(world.acme.schema_name):
        assert Recap.objects.get(pk=body["id"]).job.kind == RECAP_ALIGN
    assert UsageEntry.objects.get(job_id=body["job"], tenant=world.acme).seconds == 0
    busy = _api(world.alice).post(f"/api/v1/recaps/{body['id']}/render/")
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "recap_busy"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"script": ""}, None, "script"),
        ({"script": "\n\n# Heading only\n\n"}, "script_empty", "no scene"),
        ({"script": "\n\n".join(f"Scene {n} happens." for n in range(20_000))}, "too_many_scenes", "at most"),
        ({"max_run": 60}, None, "max_run"),
        ({"max_run": "long"}, None, "max_run"),
        ({"aspect": "4:3"}, None, "aspect"),
    ],
)
def test_bad_requests_are_refused_with_a_reason_and_nothing_queued(world, body, code, words):
    video = make_moderated_videos(world.acme, 1)[0]
    response = _ask(world.alice, video.pk, **body)
    assert response.status_code == 400, response.content
    assert words in response.content.decode()
    if code:
        assert response.json()["error"]["code"] == code
    assert _recap_jobs(world.acme) == 0


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 2000, "voice.jpg", "no audio track"),
        (b"just some text, not audio\n" * 40, "voice.mp3", "not an audio file"),
        (b"", "voice.wav", "empty"),
    ],
)
def test_a_narration_that_is_not_audio_is_refused(world, content, name, words):
    video = make_moderated_videos(world.acme, 1)[0]
    upload = SimpleUploadedFile(name, content, content_type="audio/mpeg")
    response = _api(world.alice).post(
        f"/api/v1/videos/{video.pk}/recaps/", {"script": SCRIPT, "narration": upload}
    )
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()["error"]["details"]["narration"]).lower()
    assert _recap_jobs(world.acme) == 0


def test_a_source_not_ready_is_refused_with_why(world):
    waiting, running, rejected = make_moderated_videos(world.acme, 3)
    with schema_context(world.acme.schema_name):
        Case.objects.create(video=waiting, state=Case.State.QUEUED)
        Job.objects.filter(video=running).update(state=Job.State.RUNNING)
        Case.objects.create(video=rejected, state=Case.State.REJECTED)
    assert _ask(world.alice, waiting.pk).json()["error"]["code"] == "awaiting_moderator"
    assert _ask(world.alice, waiting.pk).status_code == 409
    assert _ask(world.alice, running.pk).json()["error"]["code"] == "not_moderated"
    assert _ask(world.alice, rejected.pk).status_code in (400, 404)  # a rejected video is hidden everywhere
    assert _recap_jobs(world.acme) == 0


def test_a_plan_without_recaps_is_refused_with_the_upgrade_path(world):
    video = make_moderated_videos(world.acme, 1)[0]
    put_on_plan(world.acme, recap=False)
    response = _ask(world.alice, video.pk)
    assert response.status_code == 402 and "upgrade" in response.content.decode().lower()
    assert _recap_jobs(world.acme) == 0


def _aligned_recap(tenant, videos: int = 1) -> Recap:
    """A recap as alignment leaves it, of `videos` 60 s videos of six 10 s shots each."""
    made = make_moderated_videos(tenant, videos)
    with schema_context(tenant.schema_name):
        Shot.objects.bulk_create(
            Shot(video=video, index=k, start=k * 10.0, end=k * 10.0 + 10) for video in made for k in range(6)
        )
        recap = Recap.objects.create(video=made[0], script=SCRIPT, state=Recap.State.REVIEW)
        RecapSource.objects.bulk_create(
            RecapSource(recap=recap, video=video, position=k, offset=k * 60.0) for k, video in enumerate(made)
        )
        RecapScene.objects.create(recap=recap, index=0, text="One.", anchor_start=12.0, length=4.0)
    return recap


def test_a_swap_lays_the_cuts_out_again_and_a_render_is_charged(world):
    recap = _aligned_recap(world.acme)
    api = _api(world.alice)
    swapped = api.patch(
        f"/api/v1/recaps/{recap.pk}/scenes/0/", {"shots": [4]}, content_type="application/json"
    )
    assert swapped.status_code == 200, swapped.content
    assert swapped.json()["cuts"] == [[40.0, 44.0]]
    for bad in ({"shots": []}, {"shots": [6]}, {"shots": [1, 1]}, {"shots": "x"}):
        assert (
            api.patch(
                f"/api/v1/recaps/{recap.pk}/scenes/0/", bad, content_type="application/json"
            ).status_code
            == 400
        )
    assert (
        api.patch(
            f"/api/v1/recaps/{recap.pk}/scenes/5/", {"shots": [1]}, content_type="application/json"
        ).status_code
        == 404
    )
    rendered = api.post(f"/api/v1/recaps/{recap.pk}/render/")
    assert rendered.status_code == 202 and rendered.json()["status"] == "rendering"
    assert UsageEntry.objects.get(job_id=rendered.json()["job"], tenant=world.acme).seconds == 4.0


def test_another_tenant_sees_and_touches_nothing(world):
    recap = _aligned_recap(world.acme)
    other = _api(world.charlie)
    assert _ask(world.charlie, recap.video_id).status_code == 404
    assert other.get("/api/v1/recaps/").json()["results"] == []
    for url in (f"/api/v1/recaps/{recap.pk}/", f"/api/v1/videos/{recap.video_id}/shots/",
                f"/videos/{recap.video_id}/shots/0.jpg", f"/recaps/{recap.pk}.mp4"):  # fmt: skip
        assert other.get(url).status_code == 404, url
    assert other.post(f"/api/v1/recaps/{recap.pk}/render/").status_code == 404
    patched = other.patch(
        f"/api/v1/recaps/{recap.pk}/scenes/0/", {"shots": [1]}, content_type="application/json"
    )
    assert patched.status_code == 404
    page = client_for(world.charlie)
    assert page.get(f"/recaps/{recap.pk}/").status_code == 404
    assert page.post(f"/recaps/{recap.pk}/render/").status_code == 404
    assert page.post(f"/recaps/{recap.pk}/scenes/0/", {"shots": "1"}).status_code == 404
    assert page.post(f"/videos/{recap.video_id}/recaps/", {"script": SCRIPT}).status_code == 404
    with schema_context(world.acme.schema_name):
        assert Recap.objects.get(pk=recap.pk).scenes.get().cuts == []


def test_the_pages_make_review_and_render_a_recap(world):
    recap = _aligned_recap(world.acme)
    page = client_for(world.alice)
    assert "Make a recap" in page.get(f"/videos/{recap.video_id}/").content.decode()
    made = page.post(f"/videos/{recap.video_id}/recaps/", {"script": SCRIPT, "review": "1"})
    assert made.status_code == 302 and "/recaps/" in made["Location"]
    assert page.post(f"/recaps/{recap.pk}/scenes/0/", {"shots": "3, 2"}).status_code == 302
    with schema_context(world.acme.schema_name):
        scene = recap.scenes.get()
        assert scene.pinned and scene.shots == [3, 2] and scene.cuts[0] == [30.0, 34.0]
    html = page.get(f"/recaps/{recap.pk}/").content.decode()
    assert "One." in html and "Swap" in html
    assert page.post(f"/recaps/{recap.pk}/render/").status_code == 302
    with schema_context(world.acme.schema_name):
        assert Recap.objects.get(pk=recap.pk).state == Recap.State.RENDERING


def test_a_script_in_another_language_than_the_speech_is_refused(world):
    video = make_moderated_videos(world.acme, 1)[0]
    said = "Our chief executive could not stop laughing about the launch party and the rocket cake."
    with schema_context(world.acme.schema_name):
        job = video.jobs.get()
        words = [
            {"text": word, "start": k * 0.4, "end": k * 0.4 + 0.3} for k, word in enumerate(said.split())
        ]
        artifacts.save_json(job, TRANSCRIPT, {"words": words, "alternatives": []})
    french = "# Un\nLe patron a beaucoup ri pendant la fête du lancement.\n\n# Deux\nOn a mangé le gâteau."
    response = _ask(world.alice, video.pk, script=french)
    assert response.status_code == 400 and response.json()["error"]["code"] == "language_mismatch"
    assert (
        "French" in response.json()["error"]["message"] and "English" in response.json()["error"]["message"]
    )
    english = "The boss laughed about the party, and then everyone ate the cake shaped like a rocket."
    assert _ask(world.alice, video.pk, script=english).status_code == 202


def test_several_videos_make_one_source(world):
    first, second = make_moderated_videos(world.acme, 2)
    made = _ask(world.alice, first.pk, more_videos=[second.pk], render=False)
    assert made.status_code == 202, made.content
    assert made.json()["sources"] == [first.pk, second.pk]
    with schema_context(world.acme.schema_name):
        offsets = list(
            RecapSource.objects.filter(recap_id=made.json()["id"]).values_list("offset", flat=True)
        )
    assert offsets == [0.0, 60.0]
    recap = _aligned_recap(world.acme, videos=2)
    api = _api(world.alice)
    listed = api.get(f"/api/v1/recaps/{recap.pk}/shots/").json()
    second = listed[6]["video"]
    assert second != recap.video_id
    assert [(s["number"], s["video"], s["index"], s["start"]) for s in listed][5:8] == [
        (5, recap.video_id, 5, 50.0), (6, second, 0, 60.0), (7, second, 1, 70.0),
    ]  # fmt: skip
    swapped = api.patch(
        f"/api/v1/recaps/{recap.pk}/scenes/0/", {"shots": [7]}, content_type="application/json"
    )
    assert swapped.status_code == 200 and swapped.json()["cuts"] == [[70.0, 74.0]]  # the second video's 10 s


@pytest.mark.parametrize("problem", ["repeated", "other_tenant", "frame_rate"])
def test_a_bad_set_of_videos_is_refused(world, problem):
    first, second = make_moderated_videos(world.acme, 2)
    more = {"repeated": [first.pk], "other_tenant": [make_moderated_videos(world.globex, 1)[0].pk],
            "frame_rate": [second.pk]}[problem]  # fmt: skip
    if problem == "frame_rate":
        with schema_context(world.acme.schema_name):
            Video.objects.filter(pk__in=[first.pk, second.pk]).update(fps=25.0)
            Video.objects.filter(pk=second.pk).update(fps=30.0)
    response = _ask(world.alice, first.pk, more_videos=more)
    expected = {"repeated": (400, "repeated_video"), "other_tenant": (404, None),
                "frame_rate": (400, "mixed_frame_rates")}[problem]  # fmt: skip
    assert response.status_code == expected[0], response.content
    if expected[1]:
        assert response.json()["error"]["code"] == expected[1]
    assert _recap_jobs(world.acme) == 0
