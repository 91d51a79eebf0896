"""Every route of the tenant's site is decided by the policy, and a viewer changes nothing through any of
them: each page and endpoint is sent POST, PUT, PATCH and DELETE as a viewer (session and token)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from team import roles
from team.models import Role
from team.tests.factories import api_client, with_role

UNSAFE = ("post", "put", "patch", "delete")
SAMPLE_ARGUMENTS = {
    "ext": "mp4",
    "aspect": "1x1",
    "format": "json",
    "which": "original",
    "uidb64": "MQ",
    "app_label": "auth",
    "uid": "00000000-0000-4000-8000-000000000000",
    "upload_id": "00000000-0000-4000-8000-000000000000",
}


def _routes(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(view name, pattern) of every route of the tenant's site."""
    for pattern in (resolver or get_resolver("reelremix.urls_tenant")).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _sample_path(name: str, pattern: URLPattern) -> str:
    """A path of the route, with an argument of the right shape for each of its parameters."""
    names = list(pattern.pattern.regex.groupindex)
    kwargs = {key: SAMPLE_ARGUMENTS.get(key, "1" if re.search(r"id|pk|index", key) else "x") for key in names}
    return reverse(name, kwargs=kwargs, urlconf="reelremix.urls_tenant")


def _decided(name: str, path: str) -> roles.Rule | None:
    if name in roles.BY_NAME:
        return roles.BY_NAME[name]
    if any(path.startswith(prefix) for prefix, _ in roles.BY_PREFIX):
        return roles.rule_for(None, path)
    return roles.BY_NAMESPACE.get(name.partition(":")[0]) if ":" in name else None


ROUTES = sorted({(name, _sample_path(name, pattern)) for name, pattern in _routes()})


def test_it_decides_every_route_of_the_site():
    undecided = [name for name, path in ROUTES if _decided(name, path) is None]
    assert undecided == [], f"add these routes to team.roles.BY_NAME: {undecided}"


def test_it_names_no_route_that_does_not_exist():
    assert set(roles.BY_NAME) - {name for name, _ in ROUTES} == set()


CHANGES_SOMETHING = [(name, path) for name, path in ROUTES if _decided(name, path) is not roles.Rule.ACCOUNT]


def _assert_refused(response, name: str, method: str) -> None:
    """403 saying why; or 405 from a view with permission classes of its own that has no such method."""
    status = response.status_code
    assert status in (403, 405), f"{method.upper()} {name} answered {status} to a viewer"
    if status == 403:
        assert "read-only" in response.content.decode(), f"{method.upper()} {name}: {response.content[:200]}"


@pytest.mark.parametrize("method", UNSAFE)
def test_it_refuses_every_change_of_a_viewer(world, method):
    browser = with_role(world.bob, Role.VIEWER)
    token = api_client(world.bob)
    for name, path in CHANGES_SOMETHING:
        _assert_refused(getattr(browser, method)(path), name, method)
        if path.startswith("/api/"):
            _assert_refused(getattr(token, method)(path), name, method)


def test_it_refuses_page_changes_of_a_viewer_on_the_page_itself(world):
    response = with_role(world.bob, Role.VIEWER).post("/videos/upload/")
    assert response.status_code == 403
    assert "Your role on this site is viewer, which is read-only" in response.content.decode()
    assert "<h1>Not allowed</h1>" in response.content.decode()


def test_it_lets_a_viewer_read_and_manage_their_own_account(world):
    browser = with_role(world.bob, Role.VIEWER)
    assert browser.get("/videos/").status_code == 200
    assert api_client(world.bob).get("/api/v1/videos/").status_code == 200
    response = browser.post(
        "/accounts/password/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "a new long pass phrase 42",
            "new_password2": "a new long pass phrase 42",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    assert browser.post("/accounts/logout/").status_code == 302
