"""GET /api/v1/auth/tokens/, DELETE /api/v1/auth/tokens/<id>/, POST /api/v1/auth/tokens/revoke-all/."""

from django.test import Client
from django_tenants.utils import schema_context

from accounts import services
from accounts.models import ApiToken
from conftest import client_for


def _api(persona, host=None):
    return Client(HTTP_HOST=host or persona.host, HTTP_AUTHORIZATION=f"Token {persona.token}")


def _uid(world, persona):
    with schema_context(persona.tenant.schema_name):
        return ApiToken.objects.get(user=persona.user, name="tests").uid


def test_it_lists_the_callers_own_tokens(world):
    with schema_context(world.acme.schema_name):
        services.do_create_token(world.alice.user, "CI uploads", "never")
    response = _api(world.alice).get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["CI uploads", "tests"]
    assert rows[0]["expiry"] is None and rows[0]["last_used"] is None
    assert rows[1]["key_start"] == world.alice.token[:8] and rows[1]["last_used"] is not None
    assert all(world.alice.token not in str(row.values()) for row in rows)


def test_it_checks_ownership_bob_sees_and_revokes_none_of_alices_tokens(world):
    assert [row["name"] for row in _api(world.bob).get("/api/v1/auth/tokens/").json()["results"]] == ["tests"]
    response = _api(world.bob).delete(f"/api/v1/auth/tokens/{_uid(world, world.alice)}/")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "You have no token with this id.",
        "details": {},
    }
    assert _api(world.alice).get("/api/v1/auth/tokens/").status_code == 200


def test_it_revokes_one_token(world):
    with schema_context(world.acme.schema_name):
        _, spare_key = services.do_create_token(world.alice.user, "spare")
    assert _api(world.alice).delete(f"/api/v1/auth/tokens/{_uid(world, world.alice)}/").status_code == 204
    assert _api(world.alice).get("/api/v1/jobs/").status_code == 401
    with_spare = Client(HTTP_HOST=world.alice.host, HTTP_AUTHORIZATION=f"Token {spare_key}")
    assert with_spare.get("/api/v1/jobs/").status_code == 200


def test_it_revokes_all_of_the_callers_tokens_and_no_one_elses(world):
    with schema_context(world.acme.schema_name):
        services.do_create_token(world.alice.user, "spare")
    response = _api(world.alice).post("/api/v1/auth/tokens/revoke-all/")
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert _api(world.alice).get("/api/v1/jobs/").status_code == 401
    with schema_context(world.acme.schema_name):
        assert not ApiToken.objects.filter(user=world.alice.user).exists()
    assert _api(world.bob).get("/api/v1/jobs/").status_code == 200


def test_it_checks_tenant(world):
    alice_uid = _uid(world, world.alice)
    foreign = _api(world.charlie, host=world.alice.host)  # globex's token on acme's host
    assert foreign.get("/api/v1/auth/tokens/").status_code == 401
    assert foreign.delete(f"/api/v1/auth/tokens/{alice_uid}/").status_code == 401
    assert foreign.post("/api/v1/auth/tokens/revoke-all/").status_code == 401
    # Charlie at home cannot reach acme's token by its id either: it is not in globex's schema.
    assert _api(world.charlie).delete(f"/api/v1/auth/tokens/{alice_uid}/").status_code == 404
    assert _api(world.charlie).post("/api/v1/auth/tokens/revoke-all/").json() == {"revoked": 1}
    assert _api(world.alice).get("/api/v1/jobs/").status_code == 200


def test_it_lets_the_site_session_list_tokens(world):
    response = client_for(world.alice).get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_it_refuses_anonymous_callers(world):
    assert Client(HTTP_HOST=world.alice.host).get("/api/v1/auth/tokens/").status_code in (401, 403)
