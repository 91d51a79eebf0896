"""The search analytics page (/search/analytics/): top queries, queries with no match, click-through and the
chart of searches per day, for owners and editors of the tenant only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from conftest import client_for
from search.models import Search
from search.tests.factories import make_indexed_video
from team.models import Role
from team.tests.factories import with_role

PRICING = "Our subscription costs nineteen dollars a month, with a discount for annual plans."


def _stat(page: str, name: str) -> str:
    found = re.search(rf'data-stat="{name}">([^<]*)<', page)
    assert found is not None, name
    return found.group(1)


def _table(page: str, name: str) -> str:
    return page.split(f'data-queries="{name}"')[1].split("</table>")[0]


def test_it_shows_top_queries_no_match_queries_and_click_through(world):
    make_indexed_video(world.acme, [PRICING])
    browser = client_for(world.alice)
    for query in ("subscription cost", "Subscription  cost"):  # one query, whatever the case and spaces
        browser.get("/search/", {"q": query})
    with schema_context(world.acme.schema_name):
        first = Search.objects.order_by("id").first()
        assert first is not None
        clicked = first.results.get(rank=1)
        Search.objects.create(text="long ago", source="page", result_count=0, strong_count=0,
                              created_at=timezone.now() - timedelta(days=31))  # fmt: skip
    browser.get(f"/search/results/{clicked.pk}/")  # a click
    # Nothing before 2000: zero results.
    browser.get("/search/", {"q": "quarterly revenue", "uploaded_before": "2000-01-01"})
    page = browser.get("/search/analytics/").content.decode()
    assert (_stat(page, "searches"), _stat(page, "clicked"), _stat(page, "no-match")) == ("3", "1", "1")
    assert _stat(page, "click-through") == "33 %"
    top = _table(page, "top")
    assert re.search(r"<td>subscription cost</td><td>2</td><td>1</td><td>50 %</td>", top)
    assert "quarterly revenue" in top and "long ago" not in page  # older than the 30 days shown
    no_match = _table(page, "no-match")
    assert "quarterly revenue" in no_match and "subscription cost" not in no_match
    chart = re.search(r'<svg class="usage-chart"[^>]*aria-label="([^"]+)"', page)
    assert chart is not None and chart.group(1) == "Searches per day over 30 days: 3 searches, 1 with a click"
    today = timezone.localdate()
    assert f"<title>{today:%Y-%m-%d}: 3 searches, 1 with a click</title>" in page


def test_it_checks_tenant(world):
    make_indexed_video(world.acme, [PRICING])
    client_for(world.alice).get("/search/", {"q": "subscription cost"})
    page = client_for(world.charlie).get("/search/analytics/").content.decode()
    assert _stat(page, "searches") == "0" and "subscription cost" not in page
    assert "No searches yet." in page


@pytest.mark.parametrize(("role", "status"), [(Role.EDITOR, 200), (Role.MODERATOR, 403), (Role.VIEWER, 403)])
def test_it_checks_ownership_owners_and_editors_only(world, role, status):
    response = with_role(world.bob, role).get("/search/analytics/")
    assert response.status_code == status
    if status == 403:
        assert "owners and editors" in response.content.decode()


def test_it_checks_ownership_login_required(world):
    response = Client(HTTP_HOST=world.alice.host).get("/search/analytics/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
