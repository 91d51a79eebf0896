"""Endpoint rows made directly (the services refuse non-administrators; these tests are about sending)."""

from __future__ import annotations

from django_tenants.utils import schema_context

from tenants.models import Tenant
from webhooks.models import Endpoint, Event
from webhooks.services import new_secret


def make_endpoint(tenant: Tenant, url: str, events: list[str] | None = None, active: bool = True) -> Endpoint:
    with schema_context(tenant.schema_name):
        return Endpoint.objects.create(
            url=url, events=events or [Event.JOB_SUCCEEDED], secret=new_secret(), active=active
        )
