"""Media on S3 (django-storages) against a local S3-protocol server (moto in server mode, over HTTP with
the real boto3 client): an upload is stored in the bucket, a real worker processes it from there and
writes its outputs there, and playback is a redirect to a presigned URL that serves byte ranges."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django_tenants.utils import schema_context

from media_jobs import artifacts
from media_jobs.models import Artifact, Job, Video
from media_jobs.tests.workers import make_fault_clip


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_fault_clip(tmp_path_factory.mktemp("s3") / "talk.mp4", seconds=6.0)


def test_a_video_is_stored_processed_and_played_from_s3(s3, work_queued_jobs, committed_db, clip):
    alice = committed_db.alice
    api = Client(HTTP_HOST=alice.host, HTTP_AUTHORIZATION=f"Token {alice.token}")
    with clip.open("rb") as upload:
        answer = api.post("/api/v1/videos/", {"file": upload})
    assert answer.status_code == 201, answer.content
    with schema_context(committed_db.acme.schema_name):
        video = Video.objects.get(id=answer.json()["id"])
    assert s3.read(video.original.name) == clip.read_bytes()  # in the bucket, under the tenant's prefix
    assert video.original.name.startswith("t_acme/")
    assert not (Path(settings.MEDIA_ROOT) / video.original.name).exists()  # nothing on local disk

    work_queued_jobs()
    with schema_context(committed_db.acme.schema_name):
        job = Job.objects.get(video=video)
        assert job.state == Job.State.SUCCEEDED, job.error
        stored = {a.kind: a.file.name for a in Artifact.objects.filter(job=job)}
    assert stored and set(stored.values()) <= set(s3.keys("t_acme/"))  # every output written to the bucket
    assert Artifact.Kind.CENSORED in stored  # the clip's face is blurred: a censored render

    link = api.get(f"/api/v1/videos/{video.pk}/").json()["censored_url"]
    redirect = Client(HTTP_HOST=alice.host).get(link)  # a signed link, no token
    assert redirect.status_code == 302
    presigned = redirect["Location"]
    assert presigned.startswith(s3.endpoint) and "Signature=" in presigned
    whole = requests.get(presigned, timeout=10)
    assert whole.status_code == 200 and whole.content == s3.read(stored[Artifact.Kind.CENSORED])
    assert whole.headers["Content-Type"] == "video/mp4"
    part = requests.get(presigned, headers={"Range": "bytes=0-99"}, timeout=10)
    assert part.status_code == 206 and part.content == whole.content[:100]
    assert requests.get(presigned.split("?")[0], timeout=10).status_code == 403  # unsigned: refused

    charlie = committed_db.charlie
    other = Client(HTTP_HOST=charlie.host, HTTP_AUTHORIZATION=f"Token {charlie.token}")
    assert other.get(urlsplit(link).path).status_code == 404  # another tenant's user: no such video

    with schema_context(committed_db.acme.schema_name):  # a stage run again replaces its output
        replaced = artifacts.save_artifact(job, Artifact.Kind.CENSORED, "censored.mp4", ContentFile(b"newer"))
    assert s3.read(replaced.file.name) == b"newer"
    if replaced.file.name != stored[Artifact.Kind.CENSORED]:
        assert stored[Artifact.Kind.CENSORED] not in s3.keys("t_acme/")  # the older render's object is gone
