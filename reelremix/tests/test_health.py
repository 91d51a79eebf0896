"""/healthz/live, /healthz/ready and /healthz (the readiness check, kept for older probes)."""

import time

import dramatiq
import pytest
from django.test import Client

ALL_OK = {"database": "ok", "redis": "ok", "broker": "ok", "queues": "ok"}


@pytest.fixture
def broker():
    broker = dramatiq.get_broker()
    broker.flush_all()
    yield broker
    broker.flush_all()


@pytest.mark.parametrize("host", ["localhost", "acme.localhost", "globex.localhost"])
@pytest.mark.parametrize("path", ["/healthz", "/healthz/ready"])
def test_it_is_ready_on_every_known_host(world, broker, host, path):
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK}


def test_it_is_live_without_asking_any_service(world, settings):
    settings.BROKER_URL = settings.CHANNELS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = Client(HTTP_HOST="acme.localhost").get("/healthz/live")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_it_answers_404_for_an_unknown_host(world):
    assert Client(HTTP_HOST="nobody.localhost").get("/healthz").status_code == 404
    assert Client(HTTP_HOST="nobody.localhost").get("/").status_code == 404


def test_it_is_not_ready_when_the_broker_does_not_answer(world, settings):
    from reelremix.embedded import port_is_open

    free_port = 1
    assert not port_is_open(free_port)
    settings.BROKER_URL = f"redis://127.0.0.1:{free_port}/0"  # a Redis that is stopped
    for path in ("/healthz/ready", "/healthz"):
        response = Client(HTTP_HOST="acme.localhost").get(path)
        assert response.status_code == 503
        assert response.json()["checks"] == {
            **ALL_OK, "broker": "error: ConnectionError", "queues": "error: ConnectionError"
        }  # fmt: skip


def _message_waiting_since(broker, seconds_ago: float) -> None:
    message = broker.get_actor("run_selfcheck").message("acme", 0)
    old = message.copy(message_timestamp=int((time.time() - seconds_ago) * 1000))
    broker.enqueue(old)


def test_it_is_not_ready_when_a_queued_message_is_stale(world, broker, settings):
    settings.READY_MAX_QUEUE_AGE_SECONDS = 60
    _message_waiting_since(broker, 30)
    assert Client(HTTP_HOST="localhost").get("/healthz/ready").status_code == 200  # waiting, not stale

    _message_waiting_since(broker, 3600)  # behind the first: the head of the queue decides
    assert Client(HTTP_HOST="localhost").get("/healthz/ready").status_code == 200

    broker.flush_all()
    started = time.monotonic()
    _message_waiting_since(broker, 3600)
    response = Client(HTTP_HOST="localhost").get("/healthz/ready")
    waited = time.monotonic() - started  # the message's age grows while the check runs: 3600 s and this
    assert response.status_code == 503
    stale = "error: oldest message waited longer than 60 s: default "
    answer = response.json()["checks"]["queues"]
    assert answer.startswith(stale) and answer.endswith(" s")
    assert 3600 <= int(answer[len(stale) : -len(" s")]) <= 3600 + waited + 0.5

    settings.READY_MAX_QUEUE_AGE_SECONDS = 0  # the queue check turned off
    assert Client(HTTP_HOST="localhost").get("/healthz/ready").status_code == 200
