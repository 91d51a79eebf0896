from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tenants.utils import schema_context

from accounts.models import ApiToken
from conftest import PASSWORD


def test_it_accepts_alice_token_on_acme(world):
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    assert client.get("/api/v1/jobs/").status_code == 200


def test_it_checks_tenant_charlie_token_is_rejected_on_acme(world):
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.charlie.token}")
    response = client.get("/api/v1/jobs/")
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "authentication_failed",
        "message": "Invalid token.",
        "details": {},
    }


def test_it_issues_a_new_token_for_a_tenant_login(world):
    response = Client(HTTP_HOST="acme.localhost").post(
        "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"] != world.alice.token and len(body["token"]) == 64
    assert body["name"] == "API"
    expiry = parse_datetime(body["expiry"])
    assert timedelta(days=89) < expiry - timezone.now() <= timedelta(days=90)  # the default lifetime
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/jobs/").status_code == 200


def test_it_issues_a_named_token_that_never_expires(world):
    response = Client(HTTP_HOST="acme.localhost").post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": PASSWORD, "name": "CI uploads", "lifetime": "never"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["expiry"] is None
    with schema_context(world.acme.schema_name):
        token = ApiToken.objects.get(uid=response.json()["id"])
    assert (token.name, token.expiry, token.user_id) == ("CI uploads", None, world.alice.user.id)


def test_it_refuses_an_unknown_lifetime(world):
    response = Client(HTTP_HOST="acme.localhost").post(
        "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD, "lifetime": "forever"}
    )
    assert response.status_code == 400
    assert "not a valid choice" in response.json()["error"]["details"]["lifetime"][0]


def test_it_checks_tenant_charlie_cannot_get_a_token_at_acme(world):
    refused = Client(HTTP_HOST="acme.localhost").post(
        "/api/v1/auth/token/", {"username": "charlie", "password": PASSWORD}
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == {
        "non_field_errors": ["Unable to log in with provided credentials."]
    }


def test_it_serves_the_openapi_schema(world):
    response = Client(HTTP_HOST="acme.localhost").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/jobs/" in paths and "/api/v1/auth/tokens/" in paths


def test_it_refuses_a_malformed_token_request(world):
    client = Client(HTTP_HOST="acme.localhost")
    response = client.post("/api/v1/auth/token/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["error"]["message"]


def test_it_refuses_a_request_without_a_password(world):
    response = Client(HTTP_HOST="acme.localhost").post("/api/v1/auth/token/", {"username": "alice"})
    assert response.status_code == 400
    assert response.json()["error"]["details"]["password"] == ["This field is required."]


def test_a_user_holds_at_most_the_allowed_number_of_working_tokens(world, settings):
    settings.API_TOKENS_PER_USER = 3  # alice has one already (the personas' "tests" token)
    login = {"username": "alice", "password": PASSWORD}
    client = Client(HTTP_HOST="acme.localhost")
    assert [client.post("/api/v1/auth/token/", login).status_code for _ in range(3)] == [200, 200, 409]
    refused = client.post("/api/v1/auth/token/", login).json()["error"]
    assert refused["code"] == "too_many_tokens" and "revoke one" in refused["message"]
    page = Client(HTTP_HOST="acme.localhost")
    page.force_login(world.alice.user)
    with schema_context(world.acme.schema_name):
        refused_page = page.post("/account/tokens/", {"name": "CI", "lifetime": "30d"})
        assert refused_page.status_code == 409 and "revoke one" in refused_page.content.decode()
        ApiToken.objects.filter(user=world.alice.user).update(expiry=timezone.now() - timedelta(days=1))
    # Expired tokens neither count nor stay.
    assert client.post("/api/v1/auth/token/", login).status_code == 200
    with schema_context(world.acme.schema_name):
        assert ApiToken.objects.filter(user=world.alice.user).count() == 1
