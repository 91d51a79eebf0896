"""The celery-progress WebSocket: real Channels (Redis layer), real worker, tenant and login checks."""

import os

from asgiref.sync import async_to_sync, sync_to_async

# channels.testing's package import pulls in its live-server helper, which swaps the database name.
from channels.testing.websocket import WebsocketCommunicator
from django_tenants.utils import schema_context

from conftest import client_for
from media_jobs import jobs, services
from media_jobs.models import Job
from media_jobs.progress import push_progress
from media_jobs.tests.factories import make_jobs
from reelremix.asgi import application


def _socket(job_id: int, host: str, session_key: str | None = None) -> WebsocketCommunicator:
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode())]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, f"/ws/progress/{job_id}/", headers=headers)


def _session_key(persona, host=None) -> str:
    return client_for(persona, host).cookies["sessionid"].value


async def _connect(socket: WebsocketCommunicator) -> tuple[bool, int | None]:
    connected, code = await socket.connect()
    if connected:
        await socket.disconnect()
    return connected, code


def test_it_streams_a_worker_job_progress_to_alice(work_queued_jobs, committed_db):
    world = committed_db
    with schema_context(world.acme.schema_name):
        job = services.do_create_selfcheck_job(world.alice.user)  # queued on commit (autocommit here)
    socket = _socket(job.pk, world.alice.host, _session_key(world.alice))

    async def scenario() -> list[dict]:
        connected, _ = await socket.connect()
        assert connected
        await socket.send_json_to({"type": "check_task_completion"})
        received = [await socket.receive_json_from(timeout=5)]
        await sync_to_async(work_queued_jobs, thread_sensitive=False)()
        while not received[-1]["complete"]:
            received.append(await socket.receive_json_from(timeout=10))
        await socket.disconnect()
        return received

    received = async_to_sync(scenario)()
    assert received[0]["state"] == "PENDING" and received[0]["progress"]["pending"] is True
    steps = [m["progress"]["current"] for m in received[1:]]
    assert steps == sorted(steps) and steps[-1] == 5
    assert [m["progress"]["percent"] for m in received if m["state"] == "PROGRESS"][-1] == 100.0
    final = received[-1]
    assert (final["state"], final["success"], final["result"]["worker_pid"]) == ("SUCCESS", True, os.getpid())


def test_it_checks_ownership_anonymous_sockets_are_closed(committed_db):
    (job,) = make_jobs(committed_db.acme)
    assert async_to_sync(_connect)(_socket(job.pk, "acme.localhost")) == (False, 4401)


def test_it_checks_tenant_charlie_session_is_unknown_on_acme(committed_db):
    (job,) = make_jobs(committed_db.acme)
    socket = _socket(job.pk, "acme.localhost", _session_key(committed_db.charlie))
    assert async_to_sync(_connect)(socket) == (False, 4401)


def test_it_checks_tenant_charlie_cannot_join_an_acme_job(committed_db):
    *_, acme_job = make_jobs(committed_db.acme, count=3)
    make_jobs(committed_db.globex)  # globex has job 1 only; acme's job 3 is not his
    socket = _socket(acme_job.pk, "globex.localhost", _session_key(committed_db.charlie))
    assert async_to_sync(_connect)(socket) == (False, 4404)


def test_it_lets_bob_watch_his_team_job(committed_db):
    (job,) = make_jobs(committed_db.acme, created_by=committed_db.alice.user)
    socket = _socket(job.pk, "acme.localhost", _session_key(committed_db.bob))
    assert async_to_sync(_connect)(socket) == (True, None)


def test_it_closes_sockets_for_unknown_hosts(committed_db):
    socket = _socket(1, "nobody.localhost", _session_key(committed_db.alice))
    assert async_to_sync(_connect)(socket) == (False, 4404)


def test_it_never_sends_progress_older_than_what_the_socket_was_sent(committed_db):
    # A push queued while the answer to check_task_completion is read from the row reaches the consumer
    # after that (newer) answer; forwarded, it would move the bar back (seen in the browser as 13.6, 0, 13.6).
    world = committed_db
    with schema_context(world.acme.schema_name):
        (job,) = make_jobs(world.acme, created_by=world.alice.user)
        stale = Job.objects.get(id=job.pk)
        jobs.store_progress(stale, 0, 1000, "Sampling frames", force=True)
        stale.refresh_from_db()
    socket = _socket(job.pk, world.alice.host, _session_key(world.alice))

    def store(current: int) -> None:
        with schema_context(world.acme.schema_name):
            jobs.store_progress(Job.objects.get(id=job.pk), current, 1000, force=True)

    async def scenario() -> list[float]:
        connected, _ = await socket.connect()
        assert connected
        await sync_to_async(store, thread_sensitive=False)(136)
        await socket.send_json_to({"type": "check_task_completion"})
        received = [await socket.receive_json_from(timeout=5), await socket.receive_json_from(timeout=5)]
        await sync_to_async(push_progress)(world.acme.schema_name, stale)  # 0 %, stored before the rest
        await sync_to_async(store, thread_sensitive=False)(304)
        received.append(await socket.receive_json_from(timeout=5))
        await socket.disconnect()
        return [message["progress"]["percent"] for message in received]

    assert async_to_sync(scenario)() == [13.6, 13.6, 30.4]
