import pytest
from django.test import Client
from django_tenants.utils import schema_context

from conftest import PASSWORD
from tenants import services as tenant_services


@pytest.fixture
def acme_admin(world):
    """A browser signed in to acme's admin as a staff user of acme."""
    root = tenant_services.do_create_tenant_user(
        world.acme, "root", "root@acme.example", PASSWORD, staff=True
    )
    client = Client(HTTP_HOST=world.alice.host)
    with schema_context(world.acme.schema_name):
        client.force_login(root)
    return client
