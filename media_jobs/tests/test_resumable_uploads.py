"""Resumable uploads (tus 1.0.0 at /api/v1/uploads/): the protocol's own client finishes an upload whose
connection dropped; the last chunk is checked as a one-request upload is; bad requests, other users and other
tenants get clear refusals; expired uploads are swept with their bytes."""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dramatiq
import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from tusclient.client import TusClient

from billing.tests.conftest import put_on_plan
from media_jobs import resumable
from media_jobs.models import Job, Upload, Video
from media_jobs.tests.media_factory import make_video

TUS: dict[str, Any] = {"HTTP_TUS_RESUMABLE": "1.0.0"}
CHUNK = "application/offset+octet-stream"


@pytest.fixture(scope="module")
def small_mp4(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("media") / "small.mp4", duration=2.0)


def _api(persona, host=None) -> Client:
    return Client(HTTP_HOST=host or persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _metadata(**pairs: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items())


def _create(client: Client, length: int, filename: str = "small.mp4"):
    return client.post(
        "/api/v1/uploads/", HTTP_UPLOAD_LENGTH=str(length), HTTP_UPLOAD_METADATA=_metadata(filename=filename),
        **TUS,
    )  # fmt: skip


def _patch(client: Client, location: str, offset: int, data: bytes):
    return client.patch(location, data, content_type=CHUNK, HTTP_UPLOAD_OFFSET=str(offset), **TUS)


def _started(client: Client, data: bytes) -> str:
    response = _create(client, len(data))
    assert response.status_code == 201, response.content
    return urlsplit(response["Location"]).path


def _part_files(settings) -> list[Path]:
    return sorted(Path(settings.UPLOAD_PARTS_DIR).rglob("*.part"))


@pytest.fixture(autouse=True)
def parts_dir(settings, tmp_path):
    settings.UPLOAD_PARTS_DIR = tmp_path / "parts"


@pytest.fixture
def flushed_broker():
    yield
    dramatiq.get_broker().flush_all()  # the moderation jobs the uploads queued are not for later tests


def _drop_midway(site: str, host: str, token: str, path: str, data: bytes) -> None:
    """A PATCH whose connection dies after half its bytes, as a lost Wi-Fi does."""
    address = urlsplit(site)
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Token {token}\r\nTus-Resumable: 1.0.0\r\n"
        f"Upload-Offset: 0\r\nContent-Type: {CHUNK}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port)) as conn:
        conn.sendall(head.encode() + data[: len(data) // 2])


def _wait_for_offset(persona, at_least: int) -> None:
    """The server finishes with the dropped request on its own thread."""
    deadline = time.monotonic() + 15
    with schema_context(persona.tenant.schema_name):
        while Upload.objects.get().offset < at_least:
            assert time.monotonic() < deadline, "the bytes sent before the drop were not kept"
            time.sleep(0.05)


def test_the_tus_client_resumes_after_a_dropped_connection(
    committed_db, live_site, flushed_broker, small_mp4, settings
):
    alice, data = committed_db.alice, small_mp4.read_bytes()
    headers = {"Host": alice.host, "Authorization": f"Token {alice.token}"}
    tus = TusClient(f"{live_site}/api/v1/uploads/", headers=headers)
    uploader = tus.uploader(
        file_path=str(small_mp4), chunk_size=len(data), metadata={"filename": "launch.mp4"}
    )
    path = urlsplit(uploader.create_url()).path
    _drop_midway(live_site, alice.host, alice.token, path, data)
    _wait_for_offset(alice, 1)

    resumed = tus.uploader(file_path=str(small_mp4), url=f"{live_site}{path}", chunk_size=16 * 1024)
    assert 0 < resumed.offset < len(data)  # what arrived before the drop was kept: the client goes on from it
    resumed.upload()

    with schema_context(alice.tenant.schema_name):
        upload = Upload.objects.get()
        assert (upload.state, upload.offset) == (Upload.State.DONE, len(data))
        video = Video.objects.get(pk=upload.video_id)
        assert video.title == "launch"
        assert hashlib.sha256(video.original.read()).digest() == hashlib.sha256(data).digest()
        assert Job.objects.filter(video=video).exists()
    assert _part_files(settings) == []


def test_it_answers_where_an_upload_stands_and_the_video_it_became(world, small_mp4):
    client, data = _api(world.alice), small_mp4.read_bytes()
    location = _started(client, data)
    head = client.head(location, **TUS)
    assert (head.status_code, head["Upload-Offset"], head["Upload-Length"]) == (200, "0", str(len(data)))
    assert head["Tus-Resumable"] == "1.0.0" and head["Cache-Control"] == "no-store" and head["Upload-Expires"]
    assert _patch(client, location, 0, data[:1000])["Upload-Offset"] == "1000"
    done = _patch(client, location, 1000, data[1000:])
    assert (done.status_code, done["Upload-Offset"]) == (204, str(len(data)))
    status = client.get(location).json()
    assert status["state"] == "done" and status["video_url"] == f"/videos/{status['video']}/"


def test_it_refuses_what_the_protocol_does_not_allow(world, small_mp4):
    client, data = _api(world.alice), small_mp4.read_bytes()
    location = _started(client, data)
    assert client.head(location).status_code == 412  # no Tus-Resumable
    assert client.head(location, HTTP_TUS_RESUMABLE="0.2.2")["Tus-Version"] == "1.0.0"
    assert client.post(location, **TUS).status_code == 405  # a method the upload has not: no version talk
    wrong_type = client.patch(location, data, content_type="video/mp4", HTTP_UPLOAD_OFFSET="0", **TUS)
    assert wrong_type.status_code == 415
    assert _patch(client, location, 0, data[:100]).status_code == 204
    stale = _patch(client, location, 0, data[:100])  # a second client still at 0
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "offset_mismatch"
    assert _patch(client, location, 100, data[100:] + b"extra").status_code == 413  # past the length
    no_offset = client.patch(location, data, content_type=CHUNK, **TUS)
    assert list(no_offset.json()["error"]["details"]) == ["Upload-Offset"]
    bad_metadata = client.post(
        "/api/v1/uploads/", HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA="filename %%", **TUS
    )
    assert bad_metadata.status_code == 400
    assert client.options("/api/v1/uploads/")["Tus-Extension"] == "creation,expiration,termination"


def test_it_refuses_a_file_over_the_limit_before_a_byte_is_sent(world, settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    response = _create(_api(world.alice), 10_001)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    with schema_context(world.acme.schema_name):
        assert not Upload.objects.exists()


def test_it_refuses_an_upload_when_the_plan_has_no_room(world):
    put_on_plan(world.acme, storage_bytes=1000)
    response = _create(_api(world.alice), 5000)
    assert response.status_code == 402 and response.json()["error"]["code"] == "quota_exceeded"


def test_a_corrupt_file_fails_at_its_last_byte_and_keeps_nothing(world, settings):
    client, junk = _api(world.alice), b"\x00not a video" * 500
    location = _started(client, junk)
    refused = _patch(client, location, 0, junk)
    assert refused.status_code == 400 and "file" in refused.json()["error"]["details"]
    assert client.get(location).json()["state"] == "failed"
    assert _patch(client, location, 0, junk).status_code == 410  # it cannot be fed again
    assert client.head(location, **TUS).status_code == 410  # a client starts anew
    with schema_context(world.acme.schema_name):
        assert not Video.objects.exists()
    assert _part_files(settings) == []


def test_no_other_user_or_tenant_sees_an_upload(world, small_mp4):
    data = small_mp4.read_bytes()
    location = _started(_api(world.alice), data)
    others = [_api(world.bob), _api(world.charlie), _api(world.charlie, host=world.alice.host)]
    for client in others:
        assert client.head(location, **TUS).status_code in (401, 404)
        assert _patch(client, location, 0, data).status_code in (401, 404)
        assert client.get(location).status_code in (401, 404)
        assert client.delete(location, **TUS).status_code in (401, 404)
    assert _api(world.alice).head(location, **TUS)["Upload-Offset"] == "0"  # untouched


def test_termination_and_expiry_remove_the_bytes(world, small_mp4, settings):
    client, data = _api(world.alice), small_mp4.read_bytes()
    cancelled, expired = _started(client, data), _started(client, data)
    assert _patch(client, expired, 0, data[:500]).status_code == 204
    assert len(_part_files(settings)) == 2
    assert client.delete(cancelled, **TUS).status_code == 204
    assert client.head(cancelled, **TUS).status_code == 404
    with schema_context(world.acme.schema_name):
        Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _patch(client, expired, 500, data[500:]).status_code == 410
    assert resumable.sweep_expired_uploads() == 1
    assert _part_files(settings) == [] and client.head(expired, **TUS).status_code == 404
