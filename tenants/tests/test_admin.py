from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context

from conftest import verified_client
from tenants import services
from tenants.models import DeletionReceipt


def _superuser_client(tenant, host: str) -> Client:
    with schema_context(tenant.schema_name):
        user = User.objects.create_superuser("root", "root@example.com", "x")
    return verified_client(user, tenant.schema_name, host)


def test_it_lists_tenants_in_the_platform_admin(world):
    client = _superuser_client(services.ensure_public_tenant(), "localhost")
    page = client.get("/admin/tenants/tenant/")
    assert page.status_code == 200
    assert "Acme" in page.content.decode() and "Globex" in page.content.decode()


def test_it_checks_tenant_a_tenant_superuser_cannot_see_other_tenants(world):
    client = _superuser_client(world.acme, "acme.localhost")
    assert client.get("/admin/tenants/tenant/").status_code in (403, 404)
    assert client.get("/admin/tenants/domain/").status_code in (403, 404)
    assert "Globex" not in client.get("/admin/").content.decode()


def test_it_shows_deletion_receipts_to_platform_operators_only(world):
    receipt = DeletionReceipt.objects.create(schema_hash="ab" * 32, counts={"videos": 3})
    platform = _superuser_client(services.ensure_public_tenant(), "localhost")
    listing = platform.get("/admin/tenants/deletionreceipt/")
    assert listing.status_code == 200 and "ab" * 32 in listing.content.decode()
    change = platform.post(f"/admin/tenants/deletionreceipt/{receipt.pk}/change/", {"counts": "{}"})
    assert change.status_code == 403
    receipt.refresh_from_db()
    assert receipt.counts == {"videos": 3}
    tenant_admin = _superuser_client(world.acme, "acme.localhost")
    assert tenant_admin.get("/admin/tenants/deletionreceipt/").status_code in (403, 404)
