"""The OpenAPI schema documents every error an operation can give, uploads as binary, and the query
parameters (limits, pagination, filters) of every list."""

from __future__ import annotations

import pytest
from django.test import Client

ERROR_REF = {"$ref": "#/components/schemas/Error"}
LISTS = ["/api/v1/jobs/", "/api/v1/videos/", "/api/v1/clips/", "/api/v1/compilations/", "/api/v1/music/",
         "/api/v1/recaps/", "/api/v1/upscales/"]  # fmt: skip


@pytest.fixture
def schema(world) -> dict:
    client = Client(HTTP_HOST=world.alice.host, HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _query(operation: dict) -> dict[str, dict]:
    return {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_it_has_one_error_component(schema):
    error = schema["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "details"]


def test_it_documents_the_errors_of_every_operation(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        expected = {"429", "503"}
        if {} not in operation.get("security", []):
            expected |= {"401", "402", "403"}
        if "{" in path:
            expected.add("404")
        if method in ("post", "put", "patch"):
            expected.add("400")
        assert expected <= set(responses), (method, path, sorted(responses))
        for code, response in responses.items():
            if code.startswith("4") or code == "503":
                assert response["content"]["application/json"]["schema"] == ERROR_REF, (method, path, code)
        assert "Retry-After" in responses["429"]["headers"] and "Retry-After" in responses["503"]["headers"]


def test_it_keeps_a_views_own_description_of_a_status(schema):
    conflict = schema["paths"]["/api/v1/videos/{video_id}/clips/"]["post"]["responses"]["409"]
    assert conflict["description"] == "the video's moderation has not finished"
    assert conflict["content"]["application/json"]["schema"] == ERROR_REF


@pytest.mark.parametrize(("path", "field"), [("/api/v1/videos/", "file"), ("/api/v1/music/", "file")])
def test_it_documents_uploads_as_binary_and_413(schema, path, field):
    operation = schema["paths"][path]["post"]
    component = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    assert schema["components"]["schemas"][component]["properties"][field]["format"] == "binary"
    assert "413" in operation["responses"]


def test_it_documents_the_search_limits(schema):
    params = _query(schema["paths"]["/api/v1/search/"]["get"])
    assert params["q"]["maxLength"] > 0 and params["q"]["minLength"] == 1
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 50)


@pytest.mark.parametrize("path", LISTS)
def test_it_documents_pagination_on_every_list(schema, path):
    params = _query(schema["paths"][path]["get"])
    assert {"page", "page_size"} <= set(params), path
    assert params["page_size"]["maximum"] == 100
    assert "404" in schema["paths"][path]["get"]["responses"]  # a page past the last


def test_it_documents_the_filters_of_lists(schema):
    assert "video" in _query(schema["paths"]["/api/v1/upscales/"]["get"])
    assert {"video", "min_score", "safe_to_post", "q"} <= set(
        _query(schema["paths"]["/api/v1/clips/"]["get"])
    )
    assert "video" in _query(schema["paths"]["/api/v1/recaps/"]["get"])


def test_it_documents_a_recaps_shots_as_the_list_they_are(schema):
    shots = schema["paths"]["/api/v1/recaps/{id}/shots/"]["get"]["responses"]["200"]
    assert shots["content"]["application/json"]["schema"]["type"] == "array"
