"""Searches recorded per tenant with the results shown (page and API), clicks on them, and the sweep of
rows past SEARCH_ANALYTICS_DAYS."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from conftest import client_for
from reelremix import scheduler
from search import analytics
from search.models import Search, SearchClick, SearchResult, Segment
from search.tests.factories import make_indexed_video

WEATHER = "The weather was fine all week, sunny and warm."
PRICING = "Our subscription costs nineteen dollars a month, with a discount for annual plans."


def _api(persona) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _searches(tenant) -> list[tuple[str, str, int, int, list[tuple[int, int, int]]]]:
    """(text, source, results shown, strong ones, [(rank, segment, video)]) of the tenant's searches."""
    with schema_context(tenant.schema_name):
        return [
            (s.text, s.source, s.result_count, s.strong_count,
             list(s.results.values_list("rank", "segment_id", "video_id")))
            for s in Search.objects.order_by("id")
        ]  # fmt: skip


def test_it_records_a_page_search_with_its_filters_and_the_results_shown(world):
    video = make_indexed_video(world.acme, [WEATHER, PRICING])
    client_for(world.alice).get("/search/", {"q": "  Subscription   cost ", "settled": "true", "limit": 5})
    with schema_context(world.acme.schema_name):
        search = Search.objects.get()
        pricing, weather = (Segment.objects.get(video=video, text=text).pk for text in (PRICING, WEATHER))
        assert (search.user_id, search.filters) == (world.alice.user.pk, {"settled": True})
    assert _searches(world.acme) == [
        ("Subscription cost", "page", 2, 1, [(1, pricing, video.pk), (2, weather, video.pk)])
    ]


def test_it_records_a_search_that_found_nothing(world):
    client_for(world.charlie).get("/search/", {"q": "quarterly revenue"})  # Globex has no videos
    assert _searches(world.globex) == [("quarterly revenue", "page", 0, 0, [])]


def test_it_records_a_click_and_plays_the_moment(world):
    video = make_indexed_video(world.acme, [WEATHER, PRICING])
    browser = client_for(world.alice)
    browser.get("/search/", {"q": "subscription cost"})
    with schema_context(world.acme.schema_name):
        search = Search.objects.get()
        best = search.results.get(rank=1)
    response = browser.get(f"/search/results/{best.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/videos/{video.pk}/#t=10.0"
    with schema_context(world.acme.schema_name):
        assert list(SearchClick.objects.values_list("result__search_id", "result__rank")) == [(search.pk, 1)]


def test_it_checks_ownership_of_clicks(world):
    make_indexed_video(world.acme, [PRICING])
    client_for(world.alice).get("/search/", {"q": "subscription cost"})
    with schema_context(world.acme.schema_name):
        result = SearchResult.objects.get()
    assert client_for(world.bob).get(f"/search/results/{result.pk}/").status_code == 404
    assert client_for(world.alice).get(f"/search/results/{result.pk + 1}/").status_code == 404  # none
    assert client_for(world.charlie).get(f"/search/results/{result.pk}/").status_code == 404  # Globex
    with schema_context(world.acme.schema_name):
        assert not SearchClick.objects.exists()


def test_it_records_api_searches_and_the_clicks_clients_report(world):
    video = make_indexed_video(world.acme, [WEATHER, PRICING])
    body = _api(world.alice).get("/api/v1/search/", {"q": "subscription cost"}).json()
    assert [hit["rank"] for hit in body["results"]] == [1, 2]
    clicks = f"/api/v1/search/{body['search']}/clicks/"
    response = _api(world.alice).post(clicks, {"rank": 1}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json() == {
        "search": body["search"], "rank": 1, "segment": body["results"][0]["segment"], "video": video.pk
    }  # fmt: skip
    assert [(text, source, shown) for text, source, shown, _, _ in _searches(world.acme)] == [
        ("subscription cost", "api", 2)
    ]
    with schema_context(world.acme.schema_name):
        assert SearchClick.objects.get().result.search_id == body["search"]


def test_it_refuses_bad_clicks_with_the_reason(world):
    make_indexed_video(world.acme, [PRICING])
    search = _api(world.alice).get("/api/v1/search/", {"q": "subscription cost"}).json()["search"]
    clicks = f"/api/v1/search/{search}/clicks/"
    for body in ({}, {"rank": 0}, {"rank": "first"}):
        response = _api(world.alice).post(clicks, body, content_type="application/json")
        assert response.status_code == 400 and "rank" in response.json()["error"]["details"]
    assert _api(world.alice).post(clicks, {"rank": 2}, content_type="application/json").status_code == 404
    # Bob's token, Alice's search; Charlie's token, on his own site: no such search of theirs.
    assert _api(world.bob).post(clicks, {"rank": 1}, content_type="application/json").status_code == 404
    assert _api(world.charlie).post(clicks, {"rank": 1}, content_type="application/json").status_code == 404
    with schema_context(world.acme.schema_name):
        assert not SearchClick.objects.exists()


def _aged(tenant, text: str, days: int) -> None:
    """A recorded search with one clicked result, made `days` ago."""
    with schema_context(tenant.schema_name):
        search = Search.objects.create(text=text, source=Search.Source.API, result_count=1, strong_count=1)
        result = SearchResult.objects.create(search=search, rank=1, segment_id=1, video_id=1, start=0.0)
        analytics.do_record_click(result)
        Search.objects.filter(id=search.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_it_sweeps_searches_past_their_retention_in_every_tenant(world, settings):
    settings.SEARCH_ANALYTICS_DAYS = 30
    _aged(world.acme, "old acme", 31)
    _aged(world.acme, "kept acme", 29)
    _aged(world.globex, "old globex", 40)
    assert analytics.do_sweep_expired() == 2
    assert analytics.do_sweep_expired() == 0  # nothing more to do
    for tenant, kept in ((world.acme, ["kept acme"]), (world.globex, [])):
        with schema_context(tenant.schema_name):
            assert list(Search.objects.values_list("text", flat=True)) == kept
            assert SearchResult.objects.count() == SearchClick.objects.count() == len(kept)


def test_it_sweeps_periodically_in_the_workers():
    tasks = {task.name: task for task in scheduler.registered()}
    assert tasks["sweep search analytics"].run is analytics.do_sweep_expired
