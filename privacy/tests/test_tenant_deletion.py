"""A tenant's deletion: an owner asks (typing the name), may cancel during the grace period; once due,
the sweep cancels its Stripe subscription (the fake Stripe server), deletes its files and schema and keeps
a receipt without personal data. Tenants not due, and other tenants, are untouched."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import Subscription
from billing.tests.conftest import fake_stripe
from media_jobs.models import Video
from privacy import deletion
from team.models import Role
from team.tests.factories import with_role
from tenants import services as tenant_services
from tenants.models import DeletionReceipt, Tenant

__all__ = ["fake_stripe"]


def _due(tenant: Tenant):
    tenant.refresh_from_db(fields=["deletion_due_at"])
    return tenant.deletion_due_at


def _schema_exists(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        return cursor.fetchone() is not None


def test_it_schedules_and_cancels_the_deletion(world, settings):
    settings.TENANT_DELETION_GRACE_DAYS = 14
    owner = with_role(world.alice, Role.OWNER)
    wrong = owner.post("/privacy/delete/", {"name": "acme"})  # the slug, not the name
    assert wrong.status_code == 400 and "Type the site&#x27;s name, Acme, exactly" in wrong.content.decode()
    assert _due(world.acme) is None
    assert owner.post("/privacy/delete/", {"name": "Acme"}).status_code == 302
    due = _due(world.acme)
    assert timedelta(days=13, hours=23) < due - timezone.now() <= timedelta(days=14)
    assert "Cancel the deletion" in owner.get("/privacy/").content.decode()
    assert deletion.sweep_due_tenant_deletions() == 0  # not due yet
    assert owner.post("/privacy/delete/cancel/").status_code == 302
    assert _due(world.acme) is None


def test_it_checks_ownership_and_tenant(world):
    bob = with_role(world.bob, Role.EDITOR)
    assert bob.post("/privacy/delete/", {"name": "Acme"}).status_code == 403
    charlie = with_role(world.charlie, Role.OWNER)
    assert charlie.post("/privacy/delete/", {"name": "Acme"}).status_code == 400  # his site is Globex
    assert _due(world.acme) is None and _due(world.globex) is None
    assert charlie.post("/privacy/delete/cancel/").status_code == 302
    assert _due(world.acme) is None


def test_it_deletes_a_due_tenant(world, fake_stripe):
    doomed = tenant_services.do_create_tenant(
        "Doomed Ltd", "doomed", "boss@doomed.example", plan="pro"
    ).tenant
    customer = fake_stripe.handle("POST", "/v1/customers", {"email": "boss@doomed.example"})[1]["id"]
    subscription = fake_stripe.add_subscription(customer, "price_test_pro")
    Subscription.objects.filter(tenant=doomed).update(
        stripe_customer_id=customer, stripe_subscription_id=subscription["id"]
    )
    for key in ("t_doomed/videos/a/original.mp4", "t_doomed/exports/b.zip", "t_acme/kept.txt"):
        default_storage.save(key, ContentFile(b"x"))
    Tenant.objects.filter(pk=doomed.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
    with connection.cursor() as cursor:  # the schema was made in this test's transaction: check its rows now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert deletion.sweep_due_tenant_deletions() == 1
    assert not Tenant.objects.filter(slug="doomed").exists() and not _schema_exists("t_doomed")
    assert not default_storage.exists("t_doomed/videos/a/original.mp4") and default_storage.exists(
        "t_acme/kept.txt"
    )
    assert fake_stripe.subscriptions[subscription["id"]]["status"] == "canceled"
    assert customer not in fake_stripe.customers  # and the owner's email with it
    [receipt] = DeletionReceipt.objects.all()
    assert receipt.schema_hash == deletion.schema_hash("t_doomed") and "doomed" not in receipt.schema_hash
    assert receipt.counts == {"videos": 0, "jobs": 0, "users": 0, "usage_entries": 0, "files": 2}
    assert Tenant.objects.filter(slug="acme").exists() and deletion.sweep_due_tenant_deletions() == 0
    default_storage.delete("t_acme/kept.txt")


def test_it_keeps_a_tenant_under_a_legal_hold(world):
    owner = with_role(world.alice, Role.OWNER)
    with schema_context(world.acme.schema_name):
        video = Video.objects.create(
            title="evidence", original="e.mp4", size_bytes=1, duration=1, legal_hold=True
        )
    refused = owner.post("/privacy/delete/", {"name": "Acme"})
    assert (
        refused.status_code == 400 and "legal hold" in refused.content.decode() and _due(world.acme) is None
    )
    Tenant.objects.filter(pk=world.acme.pk).update(deletion_due_at=timezone.now() - timedelta(seconds=1))
    assert deletion.sweep_due_tenant_deletions() == 0  # a hold placed during the grace period
    assert _schema_exists("t_acme") and Tenant.objects.filter(pk=world.acme.pk).exists()
    with schema_context(world.acme.schema_name):
        assert Video.objects.filter(pk=video.pk).exists()
