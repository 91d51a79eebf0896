"""The API's documentation pages: Swagger UI at /api/docs/ and Redoc at /api/redoc/, their scripts served by
us (drf-spectacular-sidecar), never from a CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tenants.services import tenant_host


@pytest.mark.parametrize(
    ("path", "script"), [("/api/docs/", "swagger-ui-bundle.js"), ("/api/redoc/", "redoc")]
)
def test_it_serves_the_docs_with_local_assets(world, path, script):
    client = Client(HTTP_HOST=world.alice.host)
    page = client.get(path)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "/api/schema/" in html
    assets = re.findall(r'(?:src|href)="(/static/drf_spectacular_sidecar/[^"]+)"', html)
    assert any(script in asset for asset in assets), assets
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)  # nothing loaded from another site
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_it_checks_tenant_the_docs_are_on_tenant_sites_only(world):
    assert Client(HTTP_HOST=tenant_host("globex")).get("/api/docs/").status_code == 200
    assert Client(HTTP_HOST="localhost").get("/api/docs/").status_code == 404  # the public site has no API
