"""GET /api/v1/search/ and segment thumbnails: results, bad input, tenant isolation."""

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs import artifacts
from media_jobs.models import Job
from moderation.models import Case
from search.models import Segment
from search.tests.factories import make_indexed_video

PRICING = "Our subscription costs nineteen dollars a month, with a discount for annual plans."
LAUNCH = "The chief executive laughed when we talked about the product launch next week."


def _api(persona, host=None) -> Client:
    return Client(HTTP_HOST=host or persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def test_it_returns_moments_with_snippet_thumbnail_and_play_link(world):
    video = make_indexed_video(world.acme, [LAUNCH, PRICING], title="Town hall")
    response = _api(world.alice).get("/api/v1/search/", {"q": "subscription costs"})
    assert response.status_code == 200, response.content
    body = response.json()
    first = body["results"][0]
    assert body["query"] == "subscription costs"
    assert first["video"] == {"id": video.pk, "title": "Town hall"}
    assert (first["start"], first["end"]) == (10.0, 20.0)
    assert "<mark>subscription</mark>" in first["snippet"]
    assert first["play_url"] == f"/videos/{video.pk}/#t=10.0"
    assert first["thumbnail_url"].startswith(f"/search/segments/{first['segment']}.jpg?expires=")
    assert set(first["matched_by"]) == {"meaning", "words"}


def test_it_applies_filters_and_limit(world):
    make_indexed_video(world.acme, [PRICING, LAUNCH], state=Case.State.QUEUED, duration=40.0)
    approved = make_indexed_video(world.acme, [PRICING], state=Case.State.APPROVED, duration=400.0)
    client = _api(world.alice)
    assert len(client.get("/api/v1/search/", {"q": "price", "limit": 1}).json()["results"]) == 1
    settled = client.get("/api/v1/search/", {"q": "price", "settled": "true"}).json()["results"]
    assert {hit["video"]["id"] for hit in settled} == {approved.pk}
    longer = client.get("/api/v1/search/", {"q": "price", "min_duration": 100}).json()["results"]
    assert {hit["video"]["id"] for hit in longer} == {approved.pk}
    today = client.get("/api/v1/search/", {"q": "price", "uploaded_before": "2000-01-01"}).json()["results"]
    assert today == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 501}, "q"),
        ({"q": "price", "limit": 0}, "limit"),
        ({"q": "price", "limit": 51}, "limit"),
        ({"q": "price", "limit": "ten"}, "limit"),
        ({"q": "price", "video": "abc"}, "video"),
        ({"q": "price", "uploaded_after": "yesterday"}, "uploaded_after"),
        ({"q": "price", "uploaded_after": "2026-02-01", "uploaded_before": "2026-01-01"}, "uploaded_before"),
        ({"q": "price", "min_duration": -1}, "min_duration"),
        ({"q": "price", "min_duration": 50, "max_duration": 10}, "max_duration"),
        ({"q": "price", "labels": ",".join(["FACE"] * 11)}, "labels"),
    ],
)
def test_it_refuses_bad_queries_with_the_reason(world, params, field):
    response = _api(world.alice).get("/api/v1/search/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_it_refuses_another_tenants_video_id(world):
    theirs = make_indexed_video(world.globex, [PRICING])
    response = _api(world.alice).get("/api/v1/search/", {"q": "price", "video": theirs.pk + 1000})
    assert response.status_code == 400
    assert response.json()["error"]["details"]["video"] == [f"There is no video {theirs.pk + 1000}."]


def test_it_checks_tenant(world):
    make_indexed_video(world.acme, [LAUNCH, PRICING])
    assert len(_api(world.alice).get("/api/v1/search/", {"q": "launch"}).json()["results"]) == 2
    assert _api(world.charlie).get("/api/v1/search/", {"q": "launch"}).json()["results"] == []
    # Charlie's token means nothing on Acme's host.
    assert (
        _api(world.charlie, host=world.alice.host).get("/api/v1/search/", {"q": "launch"}).status_code == 401
    )


def test_it_checks_ownership_anonymous_searches_are_refused(world):
    make_indexed_video(world.acme, [PRICING])
    assert Client(HTTP_HOST=world.alice.host).get("/api/v1/search/", {"q": "price"}).status_code == 401


def _with_frames(tenant, video) -> Segment:
    """Give the video's job sampled frames: a dark one at 0 s, a bright one at 5 s (the keyframe)."""
    with schema_context(tenant.schema_name):
        job = Job.objects.get(video=video)
        frames = [(0.0, np.zeros((48, 64, 3), np.uint8)), (5.0, np.full((48, 64, 3), 250, np.uint8))]
        artifacts.save_frames(job, frames)
        return Segment.objects.get(video=video)


def test_it_serves_the_keyframe_as_thumbnail(world):
    import cv2

    segment = _with_frames(world.acme, make_indexed_video(world.acme, [PRICING]))
    response = _api(world.alice).get(f"/search/segments/{segment.pk}.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image.mean() > 200  # the frame at 5 s, not the dark one


def test_it_checks_tenant_for_thumbnails(world):
    segment = _with_frames(world.acme, make_indexed_video(world.acme, [PRICING]))
    assert _api(world.charlie).get(f"/search/segments/{segment.pk}.jpg").status_code == 404
    assert Client(HTTP_HOST=world.alice.host).get(f"/search/segments/{segment.pk}.jpg").status_code in (
        401,
        403,
    )


def test_it_hides_thumbnails_of_rejected_videos(world):
    segment = _with_frames(world.acme, make_indexed_video(world.acme, [PRICING], state=Case.State.REJECTED))
    assert _api(world.alice).get(f"/search/segments/{segment.pk}.jpg").status_code == 404


def test_it_answers_in_the_same_number_of_queries_whatever_the_number_of_results(world):
    for number in range(12):
        make_indexed_video(world.acme, [f"{LAUNCH} Take {number}.", PRICING], title=f"take {number}")
    client = _api(world.alice)
    client.get("/api/v1/search/", {"q": "product launch"})  # the query's embedding, cached
    counts = []
    for limit in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            assert (
                len(client.get("/api/v1/search/", {"q": "product launch", "limit": limit}).json()["results"])
                == limit
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_marks_weak_matches_and_says_when_nothing_matches(world):
    make_indexed_video(world.acme, ["First, chop two onions and fry them slowly in butter."])
    api = _api(world.alice)
    weak = api.get("/api/v1/search/", {"q": "photosynthesis in tropical rainforest canopies"}).json()[
        "results"
    ]
    strong = api.get("/api/v1/search/", {"q": "frying onions"}).json()["results"]
    assert weak and all(hit["weak"] and hit["similarity"] < 0.25 for hit in weak)
    assert strong and not strong[0]["weak"]
    page = client_for(world.alice).get("/search/", {"q": "photosynthesis in tropical rainforest canopies"})
    assert "No strong match" in page.content.decode() and "weak match" in page.content.decode()
