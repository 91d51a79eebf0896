"""The data migration: keys that DRF's authtoken stored in plain text keep working as knox tokens."""

import importlib

from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from accounts.models import ApiToken

migration = importlib.import_module("accounts.migrations.0002_import_plain_tokens")
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's format: 40 hex characters


def _authtoken_table(user_id):
    """authtoken's table as DRF's migrations left it, with one key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz NOT NULL,"
            " user_id integer NOT NULL UNIQUE)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [OLD_KEY, user_id])


def test_it_imports_old_keys_as_digests_and_drops_the_plain_copies(world):
    with schema_context(world.acme.schema_name):
        _authtoken_table(world.bob.user.pk)
        assert migration.import_plain_tokens(connection) == 1
        token = ApiToken.objects.get(name=migration.IMPORTED_NAME)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('authtoken_token')")
            assert cursor.fetchone()[0] is None
    assert (token.user_id, token.expiry, token.token_key) == (world.bob.user.pk, None, OLD_KEY[:15])
    assert OLD_KEY not in token.digest
    api = Client(HTTP_HOST=world.bob.host, HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert api.get("/api/v1/jobs/").status_code == 200
    assert api.get("/api/v1/auth/tokens/").json()["count"] == 2  # the imported one and the persona's


def test_it_imports_nothing_where_authtoken_never_was(world):
    with schema_context(world.globex.schema_name):
        assert migration.import_plain_tokens(connection) == 0


def test_it_keeps_an_imported_key_on_its_own_tenant(world):
    with schema_context(world.acme.schema_name):
        _authtoken_table(world.bob.user.pk)
        migration.import_plain_tokens(connection)
    foreign = Client(HTTP_HOST=world.charlie.host, HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert foreign.get("/api/v1/jobs/").status_code == 401
