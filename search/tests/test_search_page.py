"""The search page of the tenant site."""

import re

from django.test import Client

from conftest import client_for
from search.tests.factories import make_indexed_video

PRICING = "Our subscription costs nineteen dollars a month, with a discount for annual plans."


def test_it_shows_moments_linked_to_their_second_of_the_video(world):
    video = make_indexed_video(world.acme, ["The weather was fine.", PRICING], title="Town hall")
    browser = client_for(world.alice)
    response = browser.get("/search/", {"q": "subscription cost"})
    page = response.content.decode()
    assert response.status_code == 200
    link = re.search(r'<li class="card hit"[^>]*>\s*<a href="([^"]+)"', page)
    assert link is not None  # the best hit's link goes through the click recorder, then plays at 10 s
    assert browser.get(link.group(1))["Location"] == f"/videos/{video.pk}/#t=10.0"
    assert "<mark>subscription</mark>" in page and "<mark>costs</mark>" in page
    assert "Town hall" in page and "10.0\u201320.0 s" in page  # en dash
    assert page.index("subscription") < page.index("The weather was fine")  # best first


def test_it_escapes_what_was_said(world):
    make_indexed_video(world.acme, ['<img src=x onerror="alert(1)"> pricing talk'])
    page = client_for(world.alice).get("/search/", {"q": "pricing"}).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_it_shows_the_reason_for_a_bad_query(world):
    page = client_for(world.alice).get("/search/", {"q": "price", "limit": "0"}).content.decode()
    assert "limit:" in page and "greater than or equal to 1" in page


def test_it_shows_an_empty_form_without_a_query(world):
    page = client_for(world.alice).get("/search/").content.decode()
    assert 'name="q"' in page and "Nothing found" not in page


def test_it_checks_tenant(world):
    make_indexed_video(world.acme, [PRICING], title="Town hall")
    page = client_for(world.charlie).get("/search/", {"q": "subscription"}).content.decode()
    assert "Nothing found" in page and "Town hall" not in page


def test_it_checks_ownership_login_required(world):
    response = Client(HTTP_HOST=world.alice.host).get("/search/", {"q": "price"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
