"""A tenant's deletion: an owner asks (typing the site's name), a grace period runs
(TENANT_DELETION_GRACE_DAYS, cancellable), then the periodic sweep deletes the Stripe customer (its
subscription cancelled with it), deletes every stored file under `{schema}/` (local disk or S3), drops the
schema with the tenant's rows, and keeps a receipt in the public schema without personal data
(tenants.DeletionReceipt)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from billing import stripe_api
from billing.errors import BillingUnavailable
from billing.models import Subscription, UsageEntry
from media_jobs.models import Job, Video
from privacy import storage
from tenants.models import DeletionReceipt, Tenant

log = logging.getLogger(__name__)
HELD = "Videos of this site are under a legal hold: the site cannot be deleted until every hold is released."


def _held_videos(tenant: Tenant) -> int:
    with schema_context(tenant.schema_name):
        return Video.objects.filter(legal_hold=True).count()


def schema_hash(schema_name: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), schema_name.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def do_request_tenant_deletion(tenant: Tenant, typed_name: str) -> datetime:
    """Schedule the tenant's deletion after the grace period; the owner typed its name to confirm."""
    if typed_name.strip() != tenant.name:
        raise ValidationError(f"Type the site's name, {tenant.name}, exactly, to confirm.")
    if _held_videos(tenant):
        raise ValidationError(HELD)
    due = timezone.now() + timedelta(days=settings.TENANT_DELETION_GRACE_DAYS)
    Tenant.objects.filter(pk=tenant.pk, deletion_due_at=None).update(deletion_due_at=due)
    tenant.refresh_from_db(fields=["deletion_due_at"])
    assert tenant.deletion_due_at is not None
    return tenant.deletion_due_at


def do_cancel_tenant_deletion(tenant: Tenant) -> None:
    Tenant.objects.filter(pk=tenant.pk).update(deletion_due_at=None)
    tenant.deletion_due_at = None


def sweep_due_tenant_deletions() -> int:
    """Delete every tenant whose grace period has passed; how many. One that Stripe cannot be reached for
    waits for the next sweep (its subscription must not outlive it), as does one with a legal hold."""
    deleted = 0
    due = Tenant.objects.filter(deletion_due_at__lte=timezone.now()).exclude(
        schema_name=settings.PUBLIC_SCHEMA_NAME
    )
    for tenant_id in due.values_list("id", flat=True):
        try:
            deleted += do_delete_tenant(tenant_id)
        except BillingUnavailable:
            log.warning("tenant deletion waits for Stripe", extra={"tenant_id": tenant_id})
    return deleted


@transaction.atomic
def do_delete_tenant(tenant_id: int) -> int:
    """Delete one due tenant (1), or nothing when another worker holds it or it was cancelled (0)."""
    rows = Tenant.objects.select_for_update(skip_locked=True).filter(deletion_due_at__lte=timezone.now())
    tenant = rows.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    if _held_videos(tenant):  # a hold placed during the grace period
        log.warning("tenant deletion waits for its legal holds", extra={"tenant_id": tenant_id})
        return 0
    counts = _counts(tenant)
    _forget_in_stripe(tenant)
    counts["files"] = storage.delete_prefix(f"{tenant.schema_name}/")
    DeletionReceipt.objects.create(schema_hash=schema_hash(tenant.schema_name), counts=counts)
    tenant.delete(force_drop=True)  # the schema, its domains, subscription and usage ledger
    log.info("tenant deleted", extra={"counts": counts})
    return 1


def _counts(tenant: Tenant) -> dict[str, Any]:
    usage = UsageEntry.objects.filter(tenant=tenant)
    with schema_context(tenant.schema_name):
        return {"videos": Video.objects.count(), "jobs": Job.objects.count(), "users": User.objects.count(),
                "usage_entries": usage.count()}  # fmt: skip


def _forget_in_stripe(tenant: Tenant) -> None:
    """Stripe forgets the tenant: its customer deleted (with the owner's email; Stripe cancels the customer's
    subscriptions with it), or, with no customer on record, its subscription cancelled."""
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if subscription is None or not stripe_api.stripe_enabled():
        return
    if subscription.stripe_customer_id:
        stripe_api.delete_customer(subscription.stripe_customer_id)
    elif subscription.stripe_subscription_id:
        stripe_api.cancel_subscription(subscription.stripe_subscription_id)
