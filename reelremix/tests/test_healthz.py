import pytest
from django.test import Client


@pytest.mark.parametrize("host", ["localhost", "acme.localhost", "globex.localhost"])
def test_it_is_healthy_on_every_known_host(world, host):
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok", "broker": "ok"}}


def test_it_answers_404_for_an_unknown_host(world):
    assert Client(HTTP_HOST="nobody.localhost").get("/healthz").status_code == 404
    assert Client(HTTP_HOST="nobody.localhost").get("/").status_code == 404


def test_it_reports_a_broker_that_does_not_answer(world, settings):
    from reelremix.embedded import port_is_open

    free_port = 1
    assert not port_is_open(free_port)
    settings.BROKER_URL = f"redis://127.0.0.1:{free_port}/0"
    response = Client(HTTP_HOST="acme.localhost").get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "broker": "error: ConnectionError"}
