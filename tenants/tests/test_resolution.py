"""Host to tenant, remembered per process: no query for a known host, at once forgotten when a tenant or
a domain changes here, never remembered for an unknown host."""

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.models import Domain
from tenants.resolution import forget_tenants, tenant_for_host


@pytest.fixture
def remembering(settings) -> Iterator[None]:
    settings.TENANT_CACHE_SECONDS = 60
    forget_tenants()
    yield
    forget_tenants()  # nothing remembered outlives this test's rolled-back rows


def _queries(host: str) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        tenant = tenant_for_host(host)
    return tenant, len(queries)


def test_it_routes_a_known_host_without_a_query(world, remembering):
    assert _queries("acme.localhost")[0] == world.acme
    assert _queries("acme.localhost") == (world.acme, 0)


def test_it_forgets_when_a_domain_changes_here(world, remembering):
    tenant_for_host("acme.localhost")
    Domain.objects.create(domain="films.acme.example", tenant=world.acme)
    assert _queries("acme.localhost")[1] > 0
    assert tenant_for_host("films.acme.example") == world.acme


def test_it_never_remembers_an_unknown_host(world, remembering):
    assert tenant_for_host("initech.localhost") is None
    Domain.objects.create(domain="initech.localhost", tenant=world.globex, is_primary=False)
    assert tenant_for_host("initech.localhost") == world.globex  # found as soon as it exists


def test_it_remembers_nothing_when_told_so(world, settings):
    settings.TENANT_CACHE_SECONDS = 0
    tenant_for_host("acme.localhost")
    assert _queries("acme.localhost")[1] > 0
