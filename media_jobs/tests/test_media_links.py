"""Signed media links: the API's file URLs open their file without credentials until they expire, for
that path on that tenant's host only; anything else about them is refused with a reason."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from media_jobs import links
from media_jobs.tests.media_factory import make_video


@pytest.fixture(scope="module")
def small_mp4(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("media") / "small.mp4", duration=1.0)


def _uploaded(persona, small_mp4: Path) -> dict:
    client = Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")
    with small_mp4.open("rb") as upload:
        response = client.post("/api/v1/videos/", {"file": upload})
    assert response.status_code == 201, response.content
    return response.json()


def _anonymous(persona) -> Client:
    return Client(HTTP_HOST=persona.host)


def test_the_apis_file_link_opens_the_file_without_credentials_with_ranges(world, small_mp4):
    video = _uploaded(world.alice, small_mp4)
    link = video["original_url"]
    assert link.startswith(f"/videos/{video['id']}/original.mp4?expires=")
    whole = _anonymous(world.alice).get(link)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == small_mp4.read_bytes()
    part = _anonymous(world.alice).get(link, HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and len(b"".join(part.streaming_content)) == 100
    assert _anonymous(world.alice).get(urlsplit(link).path).status_code in (401, 403)  # unsigned


def test_a_link_that_expired_or_was_changed_is_refused_with_its_reason(world, small_mp4):
    video = _uploaded(world.alice, small_mp4)
    path = urlsplit(video["original_url"]).path
    with schema_context(world.acme.schema_name):
        expired = links.signed(path, seconds=-1)
    answer = _anonymous(world.alice).get(expired)
    assert answer.status_code == 403 and "expired" in answer.content.decode()
    query = parse_qs(urlsplit(video["original_url"]).query)
    later = int(query["expires"][0]) + 3600  # a longer life, kept signature
    forged = _anonymous(world.alice).get(f"{path}?expires={later}&signature={query['signature'][0]}")
    assert forged.status_code == 403 and "not valid" in forged.content.decode()


def test_a_link_opens_only_its_own_path(world, small_mp4):
    first, second = _uploaded(world.alice, small_mp4), _uploaded(world.alice, small_mp4)
    query = urlsplit(first["original_url"]).query
    other = _anonymous(world.alice).get(f"/videos/{second['id']}/original.mp4?{query}")
    assert other.status_code == 403


def test_another_tenants_host_does_not_open_a_link(world, small_mp4):
    mine = _uploaded(world.alice, small_mp4)
    theirs = _uploaded(world.charlie, small_mp4)
    assert _anonymous(world.charlie).get(mine["original_url"]).status_code == 403
    query = urlsplit(mine["original_url"]).query  # refused even on a path their host has
    assert (
        _anonymous(world.charlie).get(f"{urlsplit(theirs['original_url']).path}?{query}").status_code == 403
    )
    assert _anonymous(world.alice).get(mine["original_url"]).status_code == 200


def test_a_logged_in_user_needs_no_signature_and_an_old_link_does_not_stop_them(world, small_mp4):
    video = _uploaded(world.alice, small_mp4)
    path = urlsplit(video["original_url"]).path
    with schema_context(world.acme.schema_name):
        expired = links.signed(path, seconds=-1)
    client = Client(HTTP_HOST=world.alice.host, HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    assert client.get(path).status_code == 200 and client.get(expired).status_code == 200
