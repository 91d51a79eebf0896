"""WebSocket consumer speaking the celery-progress protocol for one job of the caller's tenant."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_tenants.utils import schema_context

from media_jobs.models import Job
from media_jobs.progress import progress_group, progress_payload

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


@database_sync_to_async
def _job_payload(schema_name: str, job_id: int) -> dict[str, Any] | None:
    with schema_context(schema_name):
        job = Job.objects.filter(id=job_id).first()
        return progress_payload(job) if job else None


class ProgressConsumer(AsyncJsonWebsocketConsumer):
    """`ws/progress/<job_id>/`: joins the job's group only for a logged-in user of the job's tenant."""

    group_name: str | None = None
    sent_at = 0.0  # when the newest progress this socket was sent had been stored

    async def connect(self) -> None:
        user, tenant = self.scope["user"], self.scope["tenant"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        job_id = int(self.scope["url_route"]["kwargs"]["job_id"])
        # Job ids are per schema: looking the job up in the caller's own schema is the tenant check.
        if await _job_payload(tenant.schema_name, job_id) is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.job_id = job_id
        self.group_name = progress_group(tenant.schema_name, job_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "check_task_completion":
            payload = await _job_payload(self.scope["tenant"].schema_name, self.job_id)
            if payload is not None:
                await self._send_unless_older(payload)

    async def update_task_progress(self, event: dict[str, Any]) -> None:
        await self._send_unless_older(event["data"])

    async def _send_unless_older(self, payload: dict[str, Any]) -> None:
        """Send progress unless the socket was already sent newer: a push queued while the answer to
        check_task_completion was read from the row would otherwise move the bar back."""
        at = float(payload["progress"].get("at") or 0.0)
        if at < self.sent_at and not payload["complete"]:
            return
        self.sent_at = max(self.sent_at, at)
        await self.send_json(payload)
