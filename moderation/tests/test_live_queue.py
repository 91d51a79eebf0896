"""Open queue pages hear, over a real Channels WebSocket, when a case enters the queue or is decided."""

from asgiref.sync import async_to_sync, sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.db import connections
from django_tenants.utils import schema_context

from conftest import client_for
from moderation import decisions
from moderation.decisions import Act
from moderation.tests.test_admin_queue import _staff
from moderation.tests.test_decisions import _queued_case
from reelremix.asgi import application


def _socket(host: str, session_key: str) -> WebsocketCommunicator:
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode()),
               (b"cookie", f"sessionid={session_key}".encode())]  # fmt: skip
    return WebsocketCommunicator(application, "/ws/moderation/queue/", headers=headers)


def _session(persona, *, moderator: bool) -> str:
    return _staff(persona, moderator=moderator).cookies["sessionid"].value


def _closing(work):
    """Run `work` in a worker thread, closing that thread's database connection afterwards."""

    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return sync_to_async(run, thread_sensitive=False)


def test_it_pushes_new_cases_and_decisions_to_the_tenants_queue_pages(committed_db):
    world = committed_db
    alice = _socket("acme.localhost", _session(world.alice, moderator=True))
    charlie = _socket("globex.localhost", _session(world.charlie, moderator=True))

    def decide(case) -> None:
        with schema_context(world.acme.schema_name):
            decisions.do_decide_case(case.pk, world.alice.user, Act.ESCALATE, "legal")

    async def scenario() -> tuple[dict, dict, bool]:
        assert (await alice.connect())[0] and (await charlie.connect())[0]
        case = await _closing(_queued_case)(world.acme)
        entered = await alice.receive_json_from(timeout=5)
        await _closing(decide)(case)
        decided = await alice.receive_json_from(timeout=5)
        quiet = await charlie.receive_nothing(timeout=0.5)
        await alice.disconnect()
        await charlie.disconnect()
        return entered, decided, quiet

    entered, decided, charlie_heard_nothing = async_to_sync(scenario)()
    assert (entered["event"], entered["state"], entered["title"]) == ("queued", "queued", "clip")
    assert (decided["event"], decided["case"]) == ("escalate", entered["case"])
    assert charlie_heard_nothing  # another tenant's queue hears nothing of acme's cases


def test_it_checks_permissions_only_staff_who_may_see_cases_listen(committed_db):
    world = committed_db
    with schema_context(world.acme.schema_name):
        world.bob.user.is_staff = True  # staff, but without the permission to see cases
        world.bob.user.save(update_fields=["is_staff"])
        # Out of the moderators group an earlier committed test may have left him in (it sees cases now).
        world.bob.user.groups.clear()
    staff_without_permission = client_for(world.bob).cookies["sessionid"].value
    viewer = _session(world.alice, moderator=False)

    async def connect(session_key: str) -> tuple[bool, int | None]:
        socket = _socket("acme.localhost", session_key)
        connected, code = await socket.connect()
        if connected:
            await socket.disconnect()
        return connected, code

    assert async_to_sync(connect)(staff_without_permission) == (False, 4403)
    assert async_to_sync(connect)(viewer) == (True, None)
