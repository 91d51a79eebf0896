"""A rejected video is unreachable through every tenant surface: pages, API, media files, the dashboard."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs.models import Job, Video
from media_jobs.tests.media_factory import make_video
from moderation import decisions
from moderation.models import Case


@pytest.fixture(scope="module")
def small_mp4(tmp_path_factory):
    return make_video(tmp_path_factory.mktemp("media") / "small.mp4", duration=2.0)


def _uploaded_and_rejected(world, small_mp4) -> Video:
    api = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    body = api.post(
        "/api/v1/videos/", {"file": SimpleUploadedFile("secret.mp4", small_mp4.read_bytes())}
    ).json()
    with schema_context(world.acme.schema_name):
        video = Video.objects.get(id=body["id"])
        case = Case.objects.create(video=video, state=Case.State.QUEUED, severity=0.9)
        world.alice.user.is_superuser = True
        decisions.do_decide_case(case.pk, world.alice.user, decisions.Act.REJECT, "not for publication")
    return video


def test_it_blocks_a_rejected_video_everywhere(world, small_mp4):
    video = _uploaded_and_rejected(world, small_mp4)
    api = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.bob.token}")
    browser = client_for(world.bob)
    assert api.get(f"/api/v1/videos/{video.pk}/").status_code == 404
    assert api.get("/api/v1/videos/").json()["count"] == 0
    with schema_context(world.acme.schema_name):
        job = Job.objects.get(video=video)
    assert api.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api.get(f"/videos/{video.pk}/original.mp4").status_code == 404
    assert browser.get(f"/videos/{video.pk}/").status_code == 404
    assert browser.get(f"/videos/{video.pk}/original.mp4").status_code == 404
    assert "secret" not in browser.get("/").content.decode()


def test_it_keeps_other_videos_reachable(world, small_mp4):
    _uploaded_and_rejected(world, small_mp4)
    api = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.bob.token}")
    other = api.post(
        "/api/v1/videos/", {"file": SimpleUploadedFile("fine.mp4", small_mp4.read_bytes())}
    ).json()
    assert [row["id"] for row in api.get("/api/v1/videos/").json()["results"]] == [other["id"]]
    assert api.get(f"/videos/{other['id']}/original.mp4").status_code == 200
