"""Direct uploads to S3 (a local S3-protocol server): parts PUT to presigned URLs, resumed from the parts S3
holds, joined and submitted as any upload; refusals keep nothing in the bucket; no other user or tenant
reaches an upload; where media are not on S3 the API says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from media_jobs import resumable
from media_jobs.models import Upload, Video
from media_jobs.tests.s3 import BUCKET, Bucket

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
MIB = 1024**2


@pytest.fixture(autouse=True)
def small_chunks(settings):
    settings.UPLOAD_CHUNK_BYTES = 64 * 1024  # parts are then S3's smallest, 5 MiB


def _json(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


def _api(persona, host=None) -> Client:
    return Client(HTTP_HOST=host or persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _start(client: Client, size: int, filename: str = "big.mp4"):
    return _json(client, "/api/v1/uploads/s3/", {"filename": filename, "size": size})


def _urls(client: Client, upload_id: str, parts: list[int]) -> dict[str, str]:
    answer = _json(client, f"/api/v1/uploads/{upload_id}/parts/", {"parts": parts})
    assert answer.status_code == 200, answer.content
    return answer.json()["urls"]


def _put_parts(client: Client, upload: dict, data: bytes, parts: list[int]) -> None:
    size = upload["part_size"]
    for number, url in _urls(client, upload["id"], parts).items():
        start = (int(number) - 1) * size
        assert requests.put(url, data=data[start : start + size], timeout=30).status_code == 200


def _multipart_uploads(s3: Bucket) -> list[dict]:
    return s3.client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])  # type: ignore[attr-defined]


def test_the_parts_go_to_s3_and_an_upload_resumes_from_those_it_holds(world, s3, big_mp4):
    client, data = _api(world.alice), big_mp4.read_bytes()
    started = _start(client, len(data))
    assert started.status_code == 201, started.content
    upload = started.json()
    assert (upload["direct_to_s3"], upload["part_size"], upload["parts"]) == (True, 5 * MIB, 3)
    _put_parts(client, upload, data, [1])  # then the connection is lost

    resumed = client.get(f"/api/v1/uploads/{upload['id']}/").json()
    assert resumed["parts_done"] == [1]
    missing = client.post(f"/api/v1/uploads/{upload['id']}/complete/")
    assert missing.status_code == 409 and missing.json()["error"]["code"] == "parts_missing"
    _put_parts(client, upload, data, [2, 3])
    done = client.post(f"/api/v1/uploads/{upload['id']}/complete/")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done" and done.json()["video_url"] == f"/videos/{done.json()['video']}/"

    with schema_context(world.acme.schema_name):
        video = Video.objects.get()
        assert str(video.uid) == upload["id"] and video.size_bytes == len(data)
        assert s3.read(video.original.name) == data  # where the browser put it: no copy was made
        assert s3.keys() == [video.original.name]
    assert _multipart_uploads(s3) == []


def test_a_corrupt_file_is_refused_and_deleted_from_the_bucket(world, s3):
    client, junk = _api(world.alice), b"\x00not a video" * 1000
    upload = _start(client, len(junk), "junk.mp4").json()
    _put_parts(client, upload, junk, [1])
    refused = client.post(f"/api/v1/uploads/{upload['id']}/complete/")
    assert refused.status_code == 400 and "file" in refused.json()["error"]["details"]
    assert s3.keys() == [] and _multipart_uploads(s3) == []
    gone = _json(client, f"/api/v1/uploads/{upload['id']}/parts/", {"parts": [1]})
    assert gone.status_code == 410
    with schema_context(world.acme.schema_name):
        assert not Video.objects.exists()


def test_it_refuses_what_could_never_be_accepted_before_s3_hears_of_it(world, s3, settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    client = _api(world.alice)
    assert _start(client, 10_001).status_code == 413
    assert _start(client, 0).status_code == 400
    upload = _start(client, 5000).json()
    wrong = _json(client, f"/api/v1/uploads/{upload['id']}/parts/", {"parts": [2]})
    assert wrong.status_code == 400  # a 5000-byte file has one part
    assert len(_multipart_uploads(s3)) == 1


def test_no_other_user_or_tenant_reaches_an_upload(world, s3):
    upload = _start(_api(world.alice), 5000).json()
    for client in (_api(world.bob), _api(world.charlie), _api(world.charlie, host=world.alice.host)):
        parts = _json(client, f"/api/v1/uploads/{upload['id']}/parts/", {"parts": [1]})
        assert parts.status_code in (401, 404)
        assert client.post(f"/api/v1/uploads/{upload['id']}/complete/").status_code in (401, 404)
        assert client.get(f"/api/v1/uploads/{upload['id']}/").status_code in (401, 404)


def test_cancelled_and_expired_uploads_are_aborted_in_s3(world, s3):
    client = _api(world.alice)
    cancelled, expired = _start(client, 5000).json(), _start(client, 5000).json()
    assert client.delete(f"/api/v1/uploads/{cancelled['id']}/", **TUS).status_code == 204
    assert len(_multipart_uploads(s3)) == 1
    with schema_context(world.acme.schema_name):
        Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert resumable.sweep_expired_uploads() == 1
    assert _multipart_uploads(s3) == []
    assert client.get(f"/api/v1/uploads/{expired['id']}/").status_code == 404


def test_without_s3_the_api_points_to_the_tus_endpoint(world):
    refused = _start(_api(world.alice), 5000)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "direct_upload_unavailable"
