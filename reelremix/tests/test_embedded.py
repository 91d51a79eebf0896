import pytest
from django.conf import settings

from reelremix import embedded


def test_it_reuses_the_running_postgres():
    service = embedded.ensure_postgres(settings.VAR_DIR, settings.EMBEDDED_PG_PORT)
    assert not service.started_here
    assert service.url == f"postgres://postgres@127.0.0.1:{settings.EMBEDDED_PG_PORT}/reelremix"


def test_it_reuses_the_running_redis():
    assert not embedded.ensure_redis(settings.VAR_DIR, settings.EMBEDDED_REDIS_PORT).started_here


def test_it_refuses_a_postgres_port_in_use(tmp_path, taken_port):
    with pytest.raises(
        embedded.EmbeddedServiceError, match=f"port {taken_port} is in use by another program"
    ):
        embedded.ensure_postgres(tmp_path, taken_port)


def test_it_refuses_a_redis_port_in_use(tmp_path, taken_port):
    with pytest.raises(embedded.EmbeddedServiceError, match="set EMBEDDED_REDIS_PORT to a free port"):
        embedded.ensure_redis(tmp_path, taken_port)


def test_it_starts_and_stops_a_redis_of_its_own(tmp_path, free_port):
    service = embedded.ensure_redis(tmp_path, free_port)
    assert service.started_here and embedded.port_is_open(free_port)
    service.stop()
    assert not embedded.port_is_open(free_port)
