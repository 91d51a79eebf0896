"""The upload form, the video page and the media files it plays: tenant checks and byte ranges."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs.models import Video
from media_jobs.tests.media_factory import make_video


@pytest.fixture(scope="module")
def small_mp4(tmp_path_factory):
    return make_video(tmp_path_factory.mktemp("media") / "small.mp4", duration=2.0)


def _upload(client, name, data):
    return client.post("/videos/upload/", {"file": SimpleUploadedFile(name, data), "title": ""})


def test_it_uploads_from_the_dashboard_and_shows_the_video_page(world, small_mp4):
    client = client_for(world.alice)
    response = _upload(client, "small.mp4", small_mp4.read_bytes())
    with schema_context(world.acme.schema_name):
        video = Video.objects.get()
    assert response["Location"] == f"/videos/{video.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<h1>small</h1>" in page and f"/videos/{video.pk}/original.mp4" in page
    assert 'new CeleryWebSocketProgressBar("/ws/progress/' in page


def test_it_explains_a_refused_upload_on_the_dashboard(world):
    client = client_for(world.alice)
    response = client.post(
        "/videos/upload/", {"file": SimpleUploadedFile("notes.mp4", b"hello")}, follow=True
    )
    assert "notes.mp4: " in response.content.decode()
    with schema_context(world.acme.schema_name):
        assert not Video.objects.exists()


def test_it_serves_byte_ranges_for_players(world, small_mp4):
    client = client_for(world.alice)
    _upload(client, "small.mp4", small_mp4.read_bytes())
    with schema_context(world.acme.schema_name):
        video = Video.objects.get()
    data = small_mp4.read_bytes()
    whole = client.get(f"/videos/{video.pk}/original.mp4")
    assert b"".join(whole.streaming_content) == data
    part = client.get(f"/videos/{video.pk}/original.mp4", HTTP_RANGE="bytes=100-199")
    assert (part.status_code, part["Content-Range"]) == (206, f"bytes 100-199/{len(data)}")
    assert b"".join(part.streaming_content) == data[100:200]
    assert client.get(f"/videos/{video.pk}/original.mp4", HTTP_RANGE=f"bytes={len(data)}-").status_code == 416
    assert client.get(f"/videos/{video.pk}/censored.mp4").status_code == 404  # not rendered yet


def test_it_checks_tenant_for_video_pages_and_files(world, small_mp4):
    _upload(client_for(world.alice), "small.mp4", small_mp4.read_bytes())
    with schema_context(world.acme.schema_name):
        video = Video.objects.get()
    charlie = client_for(world.charlie)
    assert charlie.get(f"/videos/{video.pk}/").status_code == 404
    assert charlie.get(f"/videos/{video.pk}/original.mp4").status_code == 404
    anonymous = client_for(world.alice)
    anonymous.logout()
    assert anonymous.get(f"/videos/{video.pk}/original.mp4").status_code == 401
    charlie_token = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.charlie.token}")
    assert charlie_token.get(f"/videos/{video.pk}/original.mp4").status_code == 401


def test_it_serves_media_to_api_clients_with_a_token(world, small_mp4):
    _upload(client_for(world.alice), "small.mp4", small_mp4.read_bytes())
    with schema_context(world.acme.schema_name):
        video = Video.objects.get()
    bob = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.bob.token}")
    response = bob.get(f"/videos/{video.pk}/original.mp4")
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == small_mp4.read_bytes()


def _csrf_browser(persona) -> Client:
    """A logged-in browser whose requests are CSRF-checked, as in production."""
    browser = Client(HTTP_HOST=persona.host, enforce_csrf_checks=True)
    with schema_context(persona.tenant.schema_name):
        browser.force_login(persona.user)
    browser.get("/")  # sets the CSRF cookie
    return browser


def test_it_uploads_with_csrf_checks_on(world, small_mp4):
    browser = _csrf_browser(world.alice)
    token = browser.cookies["csrftoken"].value
    upload = SimpleUploadedFile("small.mp4", small_mp4.read_bytes())
    response = browser.post("/videos/upload/", {"file": upload, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"].startswith("/videos/")
    api = browser.post("/api/v1/videos/", {"file": SimpleUploadedFile("b.mp4", small_mp4.read_bytes())},
                       HTTP_X_CSRFTOKEN=token)  # fmt: skip
    assert api.status_code == 201


def test_it_refuses_an_upload_without_the_csrf_token(world, small_mp4):
    browser = _csrf_browser(world.alice)
    upload = SimpleUploadedFile("small.mp4", small_mp4.read_bytes())
    assert browser.post("/videos/upload/", {"file": upload}).status_code == 403
    api = browser.post("/api/v1/videos/", {"file": SimpleUploadedFile("b.mp4", small_mp4.read_bytes())})
    assert api.status_code == 403
    with schema_context(world.acme.schema_name):
        assert not Video.objects.exists()
