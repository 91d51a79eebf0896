"""Every failure under /api/ answers {"error": {"code", "message", "details"}}; pages keep HTML."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from conftest import client_for
from team.models import Role
from team.tests.factories import with_role


def _api(persona, **extra) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}", **extra)


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_it_answers_an_unknown_api_url_in_the_shape_and_a_page_in_html(world):
    error = _error(Client(HTTP_HOST=world.alice.host).get("/api/v1/no-such-thing/"), 404)
    assert error == {"code": "not_found", "message": "Not found.", "details": {}}
    page = client_for(world.alice).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_it_answers_a_token_outside_api_in_the_shape(world):
    """The media files the API links to (a clip's .mp4...) are fetched with the token too."""
    assert _error(_api(world.alice).get("/clips/1/9x16.webm"), 404)["code"] == "not_found"


def test_it_answers_a_missing_object_in_the_shape(world):
    error = _error(_api(world.alice).get("/api/v1/videos/999999/"), 404)
    assert error["code"] == "not_found"


def test_it_answers_validation_errors_with_the_fields_in_details(world):
    response = _api(world.alice).get("/api/v1/search/", {"q": "cake", "limit": 500})
    error = _error(response, 400)
    assert error["code"] == "invalid"
    assert error["details"] == {"limit": ["Ensure this value is less than or equal to 50."]}
    assert error["message"] == "limit: Ensure this value is less than or equal to 50."


def test_it_answers_401_without_a_token(world):
    response = Client(HTTP_HOST=world.alice.host).get("/api/v1/jobs/")
    error = _error(response, 401)
    assert error["code"] == "not_authenticated" and response["WWW-Authenticate"] == "Token"


def test_it_answers_403_to_a_session_post_without_csrf(world):
    client = client_for(world.alice)
    client.handler.enforce_csrf_checks = True
    error = _error(client.post("/api/v1/jobs/selfcheck/"), 403)
    assert error["code"] == "permission_denied" and "CSRF" in error["message"]


def test_it_answers_405_415_and_parse_errors_in_the_shape(world):
    with_role(world.alice, Role.OWNER)  # billing's API is the owners' (team.roles), read-only for them too
    api = _api(world.alice)
    assert _error(api.post("/api/v1/billing/"), 405)["code"] == "method_not_allowed"
    json_upload = api.post("/api/v1/videos/", {"title": "x"}, content_type="application/json")
    assert _error(json_upload, 415)["code"] == "unsupported_media_type"
    broken = api.post("/api/v1/compilations/", "{not json", content_type="application/json")
    error = _error(broken, 400)
    assert error["code"] == "parse_error" and "JSON parse error" in error["message"]


def test_it_answers_413_when_a_form_field_is_larger_than_django_allows(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _api(world.alice).post("/api/v1/videos/", {"title": "x" * 5000})
    assert _error(response, 413)["code"] == "too_large"


def test_it_answers_a_crash_in_an_api_view_with_500_in_the_shape_and_logs_it(world, settings, caplog):
    settings.ROOT_URLCONF = "reelremix.tests.crash_urls"
    with caplog.at_level(logging.ERROR, logger="reelremix.api"):
        error = _error(_api(world.alice).get("/api/v1/crash/"), 500)
    assert error == {"code": "server_error", "message": "Internal server error.", "details": {}}
    assert "a bug in an API view" in caplog.text  # the traceback is in the log, not in the answer


@pytest.mark.parametrize(("path", "is_api"), [("/api/plain-crash/", True), ("/page-crash/", False)])
def test_it_answers_a_crash_outside_drf_by_path(world, settings, path, is_api):
    settings.ROOT_URLCONF = "reelremix.tests.crash_urls"
    browser = client_for(world.alice)
    browser.raise_request_exception = False
    response = browser.get(path)
    if is_api:
        assert _error(response, 500)["code"] == "server_error"
    else:
        assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


def test_a_database_outage_in_an_api_view_answers_503_with_retry_after_and_logs_a_warning(
    world, settings, caplog
):
    settings.ROOT_URLCONF = "reelremix.tests.crash_urls"
    with caplog.at_level(logging.WARNING, logger="reelremix.api"):
        response = _api(world.alice).get("/api/v1/database-away/")
    assert _error(response, 503)["code"] == "unavailable"
    assert "try again in a few seconds" in response.json()["error"]["message"]
    assert response["Retry-After"] == "5"
    [record] = [r for r in caplog.records if r.name == "reelremix.api"]
    assert record.levelno == logging.WARNING and "couldn't get a connection" in record.getMessage()


@pytest.mark.parametrize(
    ("path", "is_api"), [("/api/plain-database-away/", True), ("/page-database-away/", False)]
)
def test_a_database_outage_outside_drf_answers_503_by_path(world, settings, path, is_api):
    settings.ROOT_URLCONF = "reelremix.tests.crash_urls"
    browser = client_for(world.alice)
    browser.raise_request_exception = False
    response = browser.get(path)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    if is_api:
        assert _error(response, 503)["code"] == "unavailable"
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "Briefly unavailable" in response.content.decode()
