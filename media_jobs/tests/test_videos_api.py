"""POST /api/v1/videos/: validation before anything is kept, tenant isolation, the stored result."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from media_jobs import registry
from media_jobs.models import Job, Stage, Video
from media_jobs.stages import EXTRACT
from media_jobs.tests.factories import make_moderated_videos
from media_jobs.tests.media_factory import make_video
from moderation.stages import MODERATION, RENDER


def _api(persona, host=None) -> Client:
    return Client(HTTP_HOST=host or persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


@pytest.fixture(scope="module")
def small_mp4(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("media") / "small.mp4", duration=2.0)


def _upload(client: Client, name: str, data: bytes, **extra):
    upload = SimpleUploadedFile(name, data, content_type="video/mp4")
    return client.post("/api/v1/videos/", {"file": upload, "title": "Launch"}, **extra)


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_accepts_a_video_and_queues_its_moderation(world, small_mp4, settings):
    response = _upload(_api(world.alice), "small.mp4", small_mp4.read_bytes())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["width"], body["height"], body["has_audio"]) == ("Launch", 320, 240, True)
    assert abs(body["duration"] - 2.0) < 0.1
    with schema_context(world.acme.schema_name):
        video = Video.objects.get(id=body["id"])
        job = Job.objects.get(video=video)
        states = dict(job.stages.values_list("name", "state"))
    assert video.original.name.startswith(f"t_acme/videos/{video.uid}/original")
    assert states[EXTRACT] == Stage.State.QUEUED and states[RENDER] == Stage.State.PENDING
    assert body["latest_job"]["progress_url"] == f"/ws/progress/{job.pk}/"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.mp4", b"", "The submitted file is empty."),
        ("report.mp4", b"%PDF-1.7\n" + b"0" * 4000, None),
        ("noise.mp4", bytes(range(256)) * 40, None),
    ],
)
def test_it_refuses_what_is_not_a_playable_video_and_keeps_nothing(world, settings, name, data, message):
    before = _stored_files(settings)
    response = _upload(_api(world.alice), name, data)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    errors = response.json()["error"]["details"]["file"]
    assert errors and (message is None or errors == [message])
    assert _stored_files(settings) == before
    with schema_context(world.acme.schema_name):
        assert not Video.objects.exists()


def test_it_stops_an_oversized_upload_while_it_streams(world, settings, small_mp4):
    settings.MAX_UPLOAD_BYTES = 10_000
    big = small_mp4.read_bytes() + b"\0" * 50_000
    response = _upload(_api(world.alice), "big.mp4", big)
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "too_large",
            "message": "The file is larger than your upload limit of 0.0 GB.",
            "details": {},
        }
    }
    with schema_context(world.acme.schema_name):
        assert not Video.objects.exists()


def test_it_refuses_a_request_without_a_file(world):
    response = _api(world.alice).post("/api/v1/videos/", {"title": "nothing"})
    assert response.status_code == 400 and "file" in response.json()["error"]["details"]


def test_it_refuses_a_non_multipart_body(world):
    response = _api(world.alice).post("/api/v1/videos/", data='{"file": 1}', content_type="application/json")
    assert response.status_code == 415


def test_it_checks_tenant_for_videos(world, small_mp4):
    created = _upload(_api(world.alice), "small.mp4", small_mp4.read_bytes()).json()
    assert _api(world.charlie).get(f"/api/v1/videos/{created['id']}/").status_code == 404
    assert _api(world.charlie).get("/api/v1/videos/").json()["count"] == 0
    assert _api(world.bob).get(f"/api/v1/videos/{created['id']}/").json()["title"] == "Launch"


def test_it_checks_ownership_anonymous_uploads_are_refused(world, small_mp4):
    client = Client(HTTP_HOST="acme.localhost")
    assert _upload(client, "small.mp4", small_mp4.read_bytes()).status_code == 401


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_lists_a_page_in_the_same_number_of_queries_whatever_its_size(world):
    client = _api(world.alice)
    client.get("/api/v1/jobs/")  # the token's last use is stamped now, not in one of the two counted
    make_moderated_videos(world.acme, 5)
    small = _queries(client, "/api/v1/videos/?page_size=5")
    make_moderated_videos(world.acme, 45)
    assert _queries(client, "/api/v1/videos/?page_size=50") == small
    page = client.get("/api/v1/videos/?page_size=50").json()["results"]
    with schema_context(world.acme.schema_name):
        censored = Video.objects.filter(artifacts__kind="censored").count()
    assert len(page) == 50 and sum(video["censored_url"] is not None for video in page) == censored == 24
    assert page[0]["latest_job"]["state"] == "succeeded" and "stages" not in page[0]["latest_job"]


def test_it_shows_a_videos_job_with_its_stages(world):
    (video,) = make_moderated_videos(world.acme, 1)
    body = _api(world.alice).get(f"/api/v1/videos/{video.pk}/").json()
    assert [stage["name"] for stage in body["latest_job"]["stages"]] == list(registry.stages_of(MODERATION))


def test_it_pages_at_most_100_rows(world):
    make_moderated_videos(world.acme, 3)
    body = _api(world.alice).get("/api/v1/videos/?page_size=100").json()
    assert body["count"] == 3 and len(body["results"]) == 3
    assert len(_api(world.alice).get("/api/v1/videos/?page_size=2").json()["results"]) == 2
    for bad in ("1000", "0", "ten"):
        refused = _api(world.alice).get(f"/api/v1/videos/?page_size={bad}")
        assert refused.status_code == 400
        assert refused.json()["error"]["details"] == {"page_size": ["A whole number from 1 to 100."]}
