from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context

from conftest import verified_client
from tenants import services


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
