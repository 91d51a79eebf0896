"""Search meets clips: a hit offers "Make a clip from here", clips are found by what they say, and the API
gives search results as clip candidates. Every one of them stays inside the tenant."""

from __future__ import annotations

import re

from django.test import Client
from django_tenants.utils import schema_context

from clips.models import ClipRun
from clips.services import CLIPS
from clips.tests.factories import make_clip, make_run
from conftest import client_for
from media_jobs.models import Job
from search.tests.factories import make_indexed_video

WEATHER = "The weather was fine all week and the garden loved the rain."
PRICING = "Our subscription costs nineteen dollars a month, with a discount for annual plans."
HIRING = "We are hiring four engineers for the Berlin office this spring."


def _moderated(tenant, texts, title):
    video = make_indexed_video(tenant, texts, title=title)
    with schema_context(tenant.schema_name):
        Job.objects.filter(video=video).update(state=Job.State.SUCCEEDED)
    return video


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def test_a_search_hit_makes_a_clip_around_its_moment(world):
    video = _moderated(world.acme, [WEATHER, PRICING, HIRING], "Town hall")
    browser = client_for(world.alice)
    page = browser.get("/search/", {"q": "subscription price"}).content.decode()
    assert f'action="/videos/{video.pk}/clips/"' in page and 'name="at" value="15.00"' in page
    response = browser.post(f"/videos/{video.pk}/clips/", {"here": "1", "at": "15.00"})
    assert response.status_code == 302
    with schema_context(world.acme.schema_name):
        run = ClipRun.objects.get(video=video)
        assert (run.around, run.count, run.captions, run.aspects) == (15.0, 1, True, ["9:16"])
        assert response["Location"] == f"/jobs/{run.job_id}/"


def test_another_tenant_cannot_make_clips_of_a_video_by_its_id(world):
    video = _moderated(world.acme, [PRICING], "Town hall")
    response = client_for(world.charlie).post(f"/videos/{video.pk}/clips/", {"here": "1", "at": "5"})
    assert response.status_code == 404
    with schema_context(world.globex.schema_name):
        assert not Job.objects.filter(kind=CLIPS).exists()


def test_clips_are_found_by_what_they_say(world):
    video = _moderated(world.acme, [WEATHER, PRICING, HIRING], "Town hall")
    run = make_run(world.acme, video)
    spans = {"weather": (0.0, 9.0), "pricing": (10.5, 19.0), "hiring": (21.0, 29.0)}
    made = {
        name: make_clip(world.acme, run, rank=i, start=a, end=b, title=name)
        for i, (name, (a, b)) in enumerate(spans.items(), start=1)
    }
    found = _api(world.alice).get("/api/v1/clips/", {"q": "how much does the plan cost"}).json()["results"]
    assert found and found[0]["id"] == made["pricing"].pk
    page = client_for(world.alice).get("/clips/", {"q": "how much does the plan cost"}).content.decode()
    assert re.findall(r'<a href="/clips/\d+/">(\w+)</a>', page)[0] == "pricing"
    assert (
        _api(world.charlie).get("/api/v1/clips/", {"q": "how much does the plan cost"}).json()["results"]
        == []
    )


def test_search_results_come_back_as_clip_candidates(world):
    video = _moderated(world.acme, [WEATHER, PRICING, HIRING], "Town hall")
    answer = _api(world.alice).get(
        "/api/v1/clips/candidates/",
        {"q": "recruiting developers in Germany", "min_seconds": 5, "max_seconds": 15},
    )
    assert answer.status_code == 200, answer.content
    best = answer.json()["results"][0]
    assert best["video"] == video.pk and best["hit"]["start"] == 20.0
    assert best["start"] <= 25.0 <= best["end"] and 5.0 - 0.5 <= best["end"] - best["start"] <= 15.0
    assert {part["name"] for part in best["breakdown"]} >= {"hook", "centrality", "risk"}
    empty = _api(world.charlie).get("/api/v1/clips/candidates/", {"q": "recruiting developers in Germany"})
    assert empty.json()["results"] == []
    assert _api(world.alice).get("/api/v1/clips/candidates/").status_code == 400  # no q
