"""Live updates for open queue pages: a case entering the queue, and every decision, pushed over
Channels to the tenant's moderators (after the change commits)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django_tenants.utils import schema_context

from moderation.models import Case
from reelremix.redis_outage import on_commit_unless_redis_is_down
from tenants.context import current_schema_name

CLOSE_FORBIDDEN = 4403


def queue_group(schema_name: str) -> str:
    return f"moderation-queue.{schema_name}"


def push_queue_event_on_commit(case: Case, event: str) -> None:
    """Tell open queue pages of this tenant that `case` changed (`queued`, or a decision's name)."""
    schema_name = current_schema_name()
    data = {"event": event, "case": case.pk, "state": case.state, "title": case.video.title}

    def send() -> None:
        layer = get_channel_layer()
        assert layer is not None, "CHANNEL_LAYERS is not configured"
        async_to_sync(layer.group_send)(queue_group(schema_name), {"type": "queue.event", "data": data})

    # A live page misses one update; the decision stands.
    on_commit_unless_redis_is_down(send, f"queue pages were not told that case {case.pk} is {event}")


@database_sync_to_async
def _may_watch(schema_name: str, user: Any) -> bool:
    with schema_context(schema_name):  # permissions live in the tenant's schema
        return bool(user.is_authenticated and user.is_staff and user.has_perm("moderation.view_case"))


class QueueConsumer(AsyncJsonWebsocketConsumer):
    """`ws/moderation/queue/`: joins the queue of the caller's tenant, for its staff who may see cases."""

    group_name: str | None = None

    async def connect(self) -> None:
        if not await _may_watch(self.scope["tenant"].schema_name, self.scope["user"]):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group_name = queue_group(self.scope["tenant"].schema_name)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def queue_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["data"])
