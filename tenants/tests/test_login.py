from django.test import Client

from conftest import PASSWORD, client_for


def test_it_logs_alice_in_at_her_tenant(world):
    client = Client(HTTP_HOST="acme.localhost")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_it_checks_tenant_charlie_cannot_log_in_at_acme(world):
    client = Client(HTTP_HOST="acme.localhost")
    response = client.post("/accounts/login/", {"username": "charlie", "password": PASSWORD})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/").status_code == 302  # still anonymous: sent to the login page


def test_it_checks_tenant_a_session_from_globex_is_unknown_at_acme(world):
    charlie = client_for(world.charlie)
    assert charlie.get("/").status_code == 200
    charlie.defaults["HTTP_HOST"] = "acme.localhost"
    response = charlie.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_checks_tenant_in_the_admin(world):
    charlie = client_for(world.charlie, host="acme.localhost")
    response = charlie.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
