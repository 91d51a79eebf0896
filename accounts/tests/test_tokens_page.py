"""/account/tokens/: make (key shown once), list, revoke, revoke all."""

import re
from datetime import timedelta

from django.test import Client
from django_tenants.utils import schema_context

from accounts import services
from accounts.models import ApiToken
from conftest import client_for


def _uid(world, persona):
    with schema_context(persona.tenant.schema_name):
        return ApiToken.objects.get(user=persona.user, name="tests").uid


def test_it_lists_the_users_tokens_and_is_in_the_nav(world):
    with schema_context(world.acme.schema_name):
        services.do_create_token(world.bob.user, "bob's own")
    page = client_for(world.alice).get("/account/tokens/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/account/tokens/"' in html
    assert f'data-token="{_uid(world, world.alice)}"' in html and "<td>tests</td>" in html
    assert "bob&#x27;s own" not in html and world.alice.token[:8] in html
    assert world.alice.token not in html


def test_it_shows_a_new_key_once(world):
    alice = client_for(world.alice)
    response = alice.post("/account/tokens/", {"name": "CI uploads", "lifetime": "30d"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "copy this key now, it will not be shown again" in html
    assert "accounts/copy.js" in html  # the Copy button's script, only with a key to copy
    with schema_context(world.acme.schema_name):
        token = ApiToken.objects.get(user=world.alice.user, name="CI uploads")
    key = re.search(r'id="new-key"[^>]* value="([0-9a-f]{64})"', html).group(1)
    api = Client(HTTP_HOST=world.alice.host, HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/jobs/").status_code == 200
    assert key not in alice.get("/account/tokens/").content.decode()
    assert abs(token.expiry - token.created - timedelta(days=30)) < timedelta(seconds=5)


def test_it_refuses_a_token_without_a_name(world):
    response = client_for(world.alice).post("/account/tokens/", {"name": "", "lifetime": "never"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with schema_context(world.acme.schema_name):
        assert ApiToken.objects.filter(user=world.alice.user).count() == 1


def test_it_revokes_a_token(world):
    response = client_for(world.alice).post(
        f"/account/tokens/{_uid(world, world.alice)}/revoke/", follow=True
    )
    assert response.status_code == 200
    assert "Token revoked: it no longer authenticates." in response.content.decode()
    api = Client(HTTP_HOST=world.alice.host, HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    assert api.get("/api/v1/jobs/").status_code == 401


def test_it_revokes_only_with_a_post_and_its_csrf_token(world):
    alice = client_for(world.alice)
    url = f"/account/tokens/{_uid(world, world.alice)}/revoke/"
    assert alice.get(url).status_code == 405
    strict = Client(HTTP_HOST=world.alice.host, enforce_csrf_checks=True)
    with schema_context(world.acme.schema_name):
        strict.force_login(world.alice.user)
    assert strict.post(url).status_code == 403
    assert strict.post("/account/tokens/revoke-all/").status_code == 403
    with schema_context(world.acme.schema_name):
        assert ApiToken.objects.filter(user=world.alice.user).exists()


def test_it_revokes_all_of_the_users_tokens(world):
    with schema_context(world.acme.schema_name):
        services.do_create_token(world.alice.user, "spare")
    response = client_for(world.alice).post("/account/tokens/revoke-all/", follow=True)
    assert "Revoked 2 token(s)." in response.content.decode()
    with schema_context(world.acme.schema_name):
        assert not ApiToken.objects.filter(user=world.alice.user).exists()
        assert ApiToken.objects.filter(user=world.bob.user).exists()


def test_it_checks_ownership(world):
    response = client_for(world.bob).post(f"/account/tokens/{_uid(world, world.alice)}/revoke/")
    assert response.status_code == 404
    with schema_context(world.acme.schema_name):
        assert ApiToken.objects.filter(user=world.alice.user).exists()


def test_it_checks_tenant(world):
    alice_uid = _uid(world, world.alice)
    charlie_at_acme = client_for(world.charlie, host=world.alice.host)
    response = charlie_at_acme.get("/account/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert charlie_at_acme.post(f"/account/tokens/{alice_uid}/revoke/").status_code == 302
    charlie = client_for(world.charlie)
    assert charlie.post(f"/account/tokens/{alice_uid}/revoke/").status_code == 404
    assert world.alice.token[:8] not in charlie.get("/account/tokens/").content.decode()
    with schema_context(world.acme.schema_name):
        assert ApiToken.objects.filter(uid=alice_uid).exists()


def test_it_sends_anonymous_visitors_to_the_login_page(world):
    response = Client(HTTP_HOST=world.alice.host).get("/account/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
