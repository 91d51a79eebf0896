from django.test import Client


def test_it_accepts_alice_token_on_acme(world):
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    assert client.get("/api/v1/jobs/").status_code == 200


def test_it_checks_tenant_charlie_token_is_rejected_on_acme(world):
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Token {world.charlie.token}")
    response = client.get("/api/v1/jobs/")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "authentication_failed", "message": "Invalid token.", "details": {}}
    }


def test_it_issues_tokens_for_a_tenant_login(world):
    from conftest import PASSWORD

    client = Client(HTTP_HOST="acme.localhost")
    assert client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}).json() == {
        "token": world.alice.token
    }
    refused = Client(HTTP_HOST="acme.localhost").post(
        "/api/v1/auth/token/", {"username": "charlie", "password": PASSWORD}
    )
    assert refused.status_code == 400


def test_it_serves_the_openapi_schema(world):
    response = Client(HTTP_HOST="acme.localhost").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/jobs/" in response.json()["paths"]


def test_it_refuses_a_malformed_token_request(world):
    client = Client(HTTP_HOST="acme.localhost")
    response = client.post("/api/v1/auth/token/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["error"]["message"]
