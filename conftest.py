"""Test fixtures shared by every app: the embedded services, two tenants and their personas.

Tenants `acme` (Alice, Bob) and `globex` (Charlie) are built once per run in the test database.
Ordinary tests run inside a rolled-back transaction (`db`); tests whose work crosses threads or
processes (a Dramatiq worker, a WebSocket consumer) use `committed_db`, which commits for real and
empties the tenant apps' tables afterwards without touching the tenants themselves.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from accounts import services as account_services
from reelremix import embedded
from tenants import services as tenant_services
from tenants.context import tenant_connection
from tenants.models import Tenant

pytest_plugins = ["reelremix.tests.conditions"]  # what the machine was like when tests failed
PASSWORD = "correct horse battery staple"  # noqa: S105  (test personas only)
TENANT_DATA_APPS = ("media_jobs", "moderation", "search", "clips", "webhooks", "privacy")
_started: list[embedded.RunningService] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    if settings.EMBEDDED_POSTGRES:
        _started.append(embedded.ensure_postgres(settings.VAR_DIR, settings.EMBEDDED_PG_PORT))
    if settings.EMBEDDED_REDIS:
        _started.append(embedded.ensure_redis(settings.VAR_DIR, settings.EMBEDDED_REDIS_PORT))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from django.db import connections

    connections.close_all()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)  # files written by tests are not rolled back
    shutil.rmtree(settings.METRICS_DIR, ignore_errors=True)  # every process's samples (test runs add up)
    for service in reversed(_started):
        service.stop()


@dataclass
class Persona:
    user: User
    tenant: Tenant
    token: str

    @property
    def host(self) -> str:
        return tenant_services.tenant_host(self.tenant.slug)


@dataclass
class World:
    acme: Tenant
    globex: Tenant
    alice: Persona
    bob: Persona
    charlie: Persona


def _persona(tenant: Tenant, username: str) -> Persona:
    user = tenant_services.do_create_tenant_user(tenant, username, f"{username}@example.com", PASSWORD)
    with schema_context(tenant.schema_name):
        _, token = account_services.do_create_token(user, "tests")
    return Persona(user=user, tenant=tenant, token=token)


@pytest.fixture(scope="session")
def django_db_setup(request: pytest.FixtureRequest, django_db_blocker: Any) -> Iterator[World]:
    """The test database, migrated, with the public tenant and the two tenants of every test.

    Replaces pytest-django's own fixture, which only sets the database up when some test asks for
    `db`; tests using only `committed_db` need it too.
    """
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        db_config = setup_databases(
            verbosity=0,
            interactive=False,
            aliases={"default": connection.settings_dict},
            serialized_aliases=set(),
        )
        # Guard: never build test tenants in a development or production database.
        assert str(connection.settings_dict["NAME"]).startswith("test_"), "not connected to the test database"
        tenant_services.ensure_public_tenant()
        # On the Agency plan: API access and room for every test; billing tests switch plans themselves.
        acme = tenant_services.do_create_tenant("Acme", "acme", "owner@acme.example", plan="agency").tenant
        globex = tenant_services.do_create_tenant(
            "Globex", "globex", "owner@globex.example", plan="agency"
        ).tenant
        world = World(
            acme=acme,
            globex=globex,
            alice=_persona(acme, "alice"),
            bob=_persona(acme, "bob"),
            charlie=_persona(globex, "charlie"),
        )
    yield world
    with django_db_blocker.unblock():
        tenant_connection().set_schema_to_public()
        teardown_databases(db_config, verbosity=0)


@pytest.fixture
def world(db: None, django_db_setup: World) -> World:
    """The two tenants and their personas, in a test whose writes are rolled back."""
    return django_db_setup


def _truncate_tenant_data(tenants: list[Tenant]) -> None:
    from billing.models import UsageEntry

    UsageEntry.objects.filter(tenant__in=tenants).delete()  # the ledger rows of the jobs truncated below
    tables = [
        model._meta.db_table for app in TENANT_DATA_APPS for model in apps.get_app_config(app).get_models()
    ]
    for tenant in tenants:
        with schema_context(tenant.schema_name), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'TRUNCATE TABLE "{table}" RESTART IDENTITY CASCADE')


@pytest.fixture
def committed_db(django_db_setup: World, django_db_blocker: Any) -> Iterator[World]:
    """Database access without a wrapping transaction, for work done by other threads/processes."""
    world = django_db_setup
    with django_db_blocker.unblock():
        try:
            yield world
        finally:
            _truncate_tenant_data([world.acme, world.globex])
            tenant_connection().set_schema_to_public()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # a line per request would bury the report


@pytest.fixture
def live_site(committed_db: World) -> Iterator[str]:
    """The site served over HTTP by a threaded WSGI server on 127.0.0.1 (a free port), seeing the committed
    test data: for clients that speak HTTP themselves. Send each tenant's host in the Host header."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, name="live-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def client_for(persona: Persona, host: str | None = None) -> Client:
    """A browser logged in as `persona` (the session lives in the persona's tenant schema)."""
    client = Client(HTTP_HOST=host or persona.host)
    with schema_context(persona.tenant.schema_name):
        client.force_login(persona.user)
    return client


def verified_client(user: User, schema_name: str, host: str) -> Client:
    """`user` logged in on `host` having passed a second factor (an authenticator is made for them): what the
    platform's admin, which always asks for one, lets in."""
    client = Client(HTTP_HOST=host)
    with schema_context(schema_name):
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def platform_operator() -> Client:
    """A superuser of the public schema in the platform's admin, second factor passed."""
    with schema_context("public"):
        operator = User.objects.create_superuser("operator", "operator@example.com", "x")
    return verified_client(operator, "public", settings.BASE_DOMAIN)


@pytest.fixture
def alice_client(world: World) -> Client:
    return client_for(world.alice)


@pytest.fixture(autouse=True)
def _public_schema_between_tests() -> Iterator[None]:
    """A request routed to a tenant leaves the connection in its schema; start every test from public."""
    yield
    tenant_connection().set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_channel_layer_per_test() -> Iterator[None]:
    """channels_redis keeps receive locks and buffers tied to the event loop that first received; each
    test's async_to_sync runs a new loop, so each test gets a new layer instance."""
    from channels.layers import channel_layers

    yield
    channel_layers.backends.clear()
