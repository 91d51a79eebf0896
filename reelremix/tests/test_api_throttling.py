"""Rate limits: per token (kept apart per tenant, though user ids repeat across tenants) and per client IP for
calls without one; over the limit, 429 in the error shape with Retry-After."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context

from reelremix.throttling import AnonRateThrottle, TokenRateThrottle


def _api(persona, token: str | None = None) -> Client:
    return Client(HTTP_HOST=persona.host, HTTP_AUTHORIZATION=f"Token {token or persona.token}")


@pytest.fixture
def low_rates(world, settings) -> Iterator[None]:
    """Two calls a minute, with counts of earlier tests (which the cache keeps) forgotten."""
    settings.API_RATE_USER = settings.API_RATE_ANON = "2/minute"
    keys = ["throttle_anon_127.0.0.1"]  # the test client's REMOTE_ADDR
    for persona in (world.alice, world.bob, world.charlie):
        keys.append(f"throttle_user_{persona.tenant.schema_name}:{persona.user.pk}")

    def forget() -> None:
        for schema in (world.acme.schema_name, world.globex.schema_name):
            with schema_context(schema):  # the cache's key function adds the schema
                cache.delete_many(keys)

    forget()
    yield
    forget()


def _assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert 1 <= int(response["Retry-After"]) <= 60
    error = json.loads(response.content)["error"]  # the schema view answers in its own JSON type
    assert error["code"] == "throttled" and "Request was throttled" in error["message"]


def test_it_throttles_a_token_past_its_rate(low_rates, world):
    api = _api(world.alice)
    assert [api.get("/api/v1/jobs/").status_code for _ in range(2)] == [200, 200]
    _assert_throttled(api.get("/api/v1/jobs/"))


def test_it_counts_each_user_on_its_own(low_rates, world):
    for _ in range(3):
        _api(world.alice).get("/api/v1/jobs/")
    assert _api(world.bob).get("/api/v1/jobs/").status_code == 200


def test_it_checks_tenant_the_same_user_id_on_another_tenant_has_its_own_count(low_rates, world):
    assert world.alice.user.pk == world.charlie.user.pk  # the case that a key without the tenant gets wrong
    for _ in range(3):
        _api(world.alice).get("/api/v1/jobs/")
    assert _api(world.charlie).get("/api/v1/jobs/").status_code == 200


def test_it_throttles_anonymous_calls_by_ip(low_rates, world):
    anonymous = Client(HTTP_HOST=world.alice.host)
    schema = "/api/schema/?format=json"
    assert [anonymous.get(schema).status_code for _ in range(2)] == [200, 200]
    _assert_throttled(anonymous.get(schema))
    assert _api(world.alice).get("/api/v1/jobs/").status_code == 200  # a token is counted on its own


def test_it_reads_the_rates_from_settings(settings):
    settings.API_RATE_USER, settings.API_RATE_ANON = "7/hour", "3/second"
    assert (TokenRateThrottle().num_requests, TokenRateThrottle().duration) == (7, 3600)
    assert (AnonRateThrottle().num_requests, AnonRateThrottle().duration) == (3, 1)
