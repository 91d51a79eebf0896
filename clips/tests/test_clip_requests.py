"""Asking for clips, editing them and compiling them: every refusal is clear and made before anything is
queued or charged, and another tenant's ids lead nowhere. No worker runs here: jobs stay queued."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import UsageEntry
from billing.tests.conftest import put_on_plan
from clips.models import Clip, ClipRun, Compilation, MusicTrack
from clips.services import CLIPS
from clips.tests.factories import make_clip
from conftest import client_for
from media_jobs.models import Job, Video
from media_jobs.tests.factories import make_moderated_videos
from media_jobs.tests.media_factory import make_video
from moderation.models import Case


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _ask(persona, video_id: int, **options):
    return _api(persona).post(f"/api/v1/videos/{video_id}/clips/", options, content_type="application/json")


def _queued_clip_jobs(tenant) -> int:
    with schema_context(tenant.schema_name):
        return Job.objects.filter(kind=CLIPS).count()


def test_a_moderated_video_gets_a_clips_job_with_its_minutes_reserved(world):
    video = make_moderated_videos(world.acme, 1)[0]  # 60 s
    response = _ask(world.alice, video.pk, count=3, min_seconds=10, max_seconds=20, aspects=["9:16", "1:1"])
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["count"] == 3 and body["aspects"] == ["9:16", "1:1"] and body["job"]["kind"] == CLIPS
    assert body["job"]["progress_url"] == f"/ws/progress/{body['job']['id']}/"
    with schema_context(world.acme.schema_name):
        run = ClipRun.objects.get(pk=body["id"])
        assert sorted(run.job.stages.values_list("name", "state")) == [
            ("clips_choose", "queued"), ("clips_render", "pending"),
        ]  # fmt: skip
    entry = UsageEntry.objects.get(job_id=body["job"]["id"], tenant=world.acme)
    assert entry.state == UsageEntry.State.RESERVED and entry.seconds == 3 * 20 * 2


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 31}, "count"),
        ({"min_seconds": 30, "max_seconds": 20}, "max_seconds"),
        ({"aspects": ["4:3"]}, "aspects"),
        ({"aspects": []}, "aspects"),
        ({"min_seconds": "long"}, "min_seconds"),
        ({"at": -1}, "at"),
    ],
)
def test_bad_options_are_refused_with_the_field_named(world, options, field):
    video = make_moderated_videos(world.acme, 1)[0]
    response = _ask(world.alice, video.pk, **options)
    assert response.status_code == 400 and field in response.json()["error"]["details"]
    assert _queued_clip_jobs(world.acme) == 0


def test_a_malformed_body_is_a_400(world):
    video = make_moderated_videos(world.acme, 1)[0]
    response = _api(world.alice).post(
        f"/api/v1/videos/{video.pk}/clips/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert _queued_clip_jobs(world.acme) == 0


def test_a_video_shorter_than_the_shortest_clip_is_refused_and_says_how_to_go_on(world):
    video = make_moderated_videos(world.acme, 1)[0]
    with schema_context(world.acme.schema_name):
        Video.objects.filter(pk=video.pk).update(duration=10.0)
    response = _ask(world.alice, video.pk)
    assert response.status_code == 400
    assert (
        response.json()["error"]["code"] == "video_too_short"
        and "min_seconds" in response.json()["error"]["message"]
    )
    assert _ask(world.alice, video.pk, min_seconds=5, max_seconds=10).status_code == 202


def test_a_video_still_in_moderation_is_not_clipped_yet(world):
    video = make_moderated_videos(world.acme, 1)[0]
    with schema_context(world.acme.schema_name):
        Job.objects.filter(video=video).update(state=Job.State.RUNNING)
    response = _ask(world.alice, video.pk)
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_moderated"
    with schema_context(world.acme.schema_name):
        Job.objects.filter(video=video).update(state=Job.State.FAILED)
    assert _ask(world.alice, video.pk).json()["error"]["code"] == "moderation_failed"
    assert _queued_clip_jobs(world.acme) == 0


def test_a_plan_without_clips_is_refused_with_the_upgrade_path(world):
    video = make_moderated_videos(world.acme, 1)[0]
    put_on_plan(world.acme, clips=False)
    response = _ask(world.alice, video.pk)
    assert response.status_code == 402
    assert (
        response.json()["error"]["details"]["limit"] == "clips"
        and response.json()["error"]["details"]["upgrade_url"] == "/billing/"
    )
    assert _queued_clip_jobs(world.acme) == 0


def test_clip_minutes_count_against_the_quota(world):
    video = make_moderated_videos(world.acme, 1)[0]
    put_on_plan(world.acme, clips=True, minutes_per_month=5)
    response = _ask(world.alice, video.pk, count=10, max_seconds=60)  # up to 60 s + overlaps: > 1 min
    assert _ask(world.alice, video.pk, count=1, max_seconds=30, min_seconds=15).status_code == 202
    assert response.status_code == 202
    refused = _ask(
        world.alice, video.pk, count=10, max_seconds=120, min_seconds=15, aspects=["9:16", "1:1", "16:9"]
    )
    assert refused.status_code == 402 and refused.json()["error"]["details"]["limit"] == "minutes_per_month"


def test_another_tenants_video_and_a_rejected_video_are_not_found(world):
    theirs = make_moderated_videos(world.globex, 1)[0]
    assert _ask(world.alice, theirs.pk).status_code in (404,)
    ours = make_moderated_videos(world.acme, 1)[0]
    with schema_context(world.acme.schema_name):
        Case.objects.create(video=ours, state=Case.State.REJECTED)
    assert _ask(world.alice, ours.pk).status_code == 404
    assert _queued_clip_jobs(world.acme) == 0


def _clip(tenant, **fields) -> Clip:
    return make_clip(tenant, **fields)


def test_clip_lists_details_and_files_are_per_tenant(world):
    ours, theirs = _clip(world.acme, title="Acme secret"), _clip(world.globex, title="Globex clip")
    alice, charlie = _api(world.alice), _api(world.charlie)
    assert [c["title"] for c in alice.get("/api/v1/clips/").json()["results"]] == ["Acme secret"]
    assert [c["title"] for c in charlie.get("/api/v1/clips/").json()["results"]] == ["Globex clip"]
    # Ids are per schema: the same number names a different clip, or none, in the other tenant.
    for clip_id in (ours.pk, theirs.pk, ours.pk + 1000):
        answer = charlie.get(f"/api/v1/clips/{clip_id}/")
        assert answer.status_code == 404 or answer.json()["title"] == "Globex clip"
        assert b"Acme secret" not in answer.content
        page = client_for(world.charlie).get(f"/clips/{clip_id}/")
        assert page.status_code == 404 or b"Acme secret" not in page.content
    assert charlie.get(f"/clips/{ours.pk + 1000}/9x16.mp4").status_code == 404
    assert b"Acme secret" not in client_for(world.charlie).get("/clips/").content
    assert b"Acme secret" in client_for(world.alice).get("/clips/").content


def test_clip_filters_narrow_the_list(world):
    low = _clip(world.acme, score=0.2, safe_to_post=False, start=0.0, end=10.0)
    high = _clip(world.acme, score=0.8, safe_to_post=True, start=0.0, end=40.0)
    api = _api(world.alice)

    def ids(query: str) -> list[int]:
        return [c["id"] for c in api.get(f"/api/v1/clips/?{query}").json()["results"]]

    assert ids("") == [high.pk, low.pk]
    assert ids("min_score=0.5") == [high.pk]
    assert ids("safe_to_post=false") == [low.pk]
    assert ids("max_seconds=20") == [low.pk]
    assert ids("min_seconds=20") == [high.pk]
    assert ids(f"video={low.video_id}") == [low.pk]
    assert api.get("/api/v1/clips/?min_score=2").status_code == 400


def test_an_edit_outside_the_video_is_refused_and_nothing_changes(world):
    clip = _clip(world.acme)
    api = _api(world.alice)
    response = api.patch(
        f"/api/v1/clips/{clip.pk}/", {"start": 50, "end": 90}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_span"
    response = api.patch(
        f"/api/v1/clips/{clip.pk}/", {"start": 20, "end": 10}, content_type="application/json"
    )
    assert response.status_code == 400 and "end" in response.json()["error"]["details"]
    assert (
        api.put(
            f"/api/v1/clips/{clip.pk}/", {"start": 1, "end": 9}, content_type="application/json"
        ).status_code
        == 405
    )
    with schema_context(world.acme.schema_name):
        assert Clip.objects.get(pk=clip.pk).version == 1 and not Clip.objects.get(pk=clip.pk).edits.exists()


def test_an_edit_is_kept_with_who_and_when_and_queues_a_render(world):
    clip = _clip(world.acme)
    response = _api(world.alice).patch(
        f"/api/v1/clips/{clip.pk}/", {"start": 2, "end": 12}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["start"], body["end"], body["version"], body["state"]) == (2.0, 12.0, 2, "pending")
    assert body["edits"][0]["user"] == "alice" and body["edits"][0]["before"] == {"start": 5.0, "end": 25.0}
    with schema_context(world.acme.schema_name):
        job = Job.objects.get(pk=body["render_job"])
        assert job.kind == "clip_render" and job.stages.get().state == "queued"


def test_another_tenants_clip_cannot_be_edited(world):
    theirs = _clip(world.globex)
    response = _api(world.alice).patch(
        f"/api/v1/clips/{theirs.pk}/", {"start": 2, "end": 12}, content_type="application/json"
    )
    assert response.status_code == 404


def test_a_compilation_needs_ready_clips_of_this_tenant(world):
    pending = _clip(world.acme)
    theirs = _clip(world.globex, state="ready")
    api = _api(world.alice)
    for clips in ([pending.pk], [theirs.pk], [pending.pk, pending.pk], []):
        response = api.post("/api/v1/compilations/", {"clips": clips}, content_type="application/json")
        assert response.status_code == 400, clips
    response = api.post(
        "/api/v1/compilations/", {"clips": [pending.pk], "music": 99}, content_type="application/json"
    )
    assert response.status_code == 400
    with schema_context(world.acme.schema_name):
        assert not Compilation.objects.exists()


def test_music_must_be_audio(world, tmp_path):
    api = _api(world.alice)
    junk = SimpleUploadedFile("song.mp3", b"not music at all" * 100, content_type="audio/mpeg")
    assert api.post("/api/v1/music/", {"file": junk}).status_code == 400
    empty = SimpleUploadedFile("song.mp3", b"", content_type="audio/mpeg")
    assert api.post("/api/v1/music/", {"file": empty}).status_code == 400
    silent_video = make_video(tmp_path / "v.mp4", duration=1.0, audio=False)
    assert (
        api.post(
            "/api/v1/music/", {"file": SimpleUploadedFile("v.mp4", silent_video.read_bytes())}
        ).status_code
        == 400
    )
    song = make_video(tmp_path / "tone.mp4", duration=2.0)
    response = api.post(
        "/api/v1/music/", {"file": SimpleUploadedFile("tone.m4a", song.read_bytes()), "title": "Tone"}
    )
    assert response.status_code == 201 and response.json()["title"] == "Tone"
    assert abs(response.json()["duration"] - 2.0) < 0.1
    with schema_context(world.acme.schema_name):
        assert MusicTrack.objects.count() == 1
    assert [m["title"] for m in _api(world.charlie).get("/api/v1/music/").json()["results"]] == []


def test_compilations_are_per_tenant(world):
    clip = _clip(world.acme, state="ready")
    with schema_context(world.acme.schema_name):
        compilation = Compilation.objects.create(
            title="Acme reel", aspect="9:16", file="reel.mp4", duration=9.0
        )
        compilation.items.create(clip=clip, position=0)
    alice, charlie = _api(world.alice), _api(world.charlie)
    assert [c["title"] for c in alice.get("/api/v1/compilations/").json()["results"]] == ["Acme reel"]
    assert alice.get(f"/api/v1/compilations/{compilation.pk}/").json()["clips"] == [clip.pk]
    assert charlie.get("/api/v1/compilations/").json()["results"] == []
    assert charlie.get(f"/api/v1/compilations/{compilation.pk}/").status_code == 404
    assert charlie.get(f"/compilations/{compilation.pk}.mp4").status_code == 404
    assert b"Acme reel" not in client_for(world.charlie).get("/clips/").content
