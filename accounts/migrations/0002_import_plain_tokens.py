"""Keys issued by DRF's authtoken (stored in plain text) keep working as knox tokens, and its table goes.

knox finds a key by its first 15 characters (`token_key`) and accepts it when the SHA-512 of the key's
UTF-8 bytes, in lower-case hex, equals the stored `digest`; it does not care how long the key is. So an old
40-hex key is stored here exactly as knox would have stored it, and the plain-text copy is dropped with
authtoken's table. Imported tokens never expire, as before; their owners see them on the tokens page, named
below, and can revoke them."""

from typing import Any

from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper

IMPORTED_NAME = "Issued before named tokens"


def import_plain_tokens(connection: BaseDatabaseWrapper) -> int:
    """Copy authtoken's keys of the connection's schema as digests, then drop its table; returns how many."""
    table = f"{connection.ops.quote_name(connection.schema_name)}.authtoken_token"  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [table])
        if cursor.fetchone()[0] is None:
            return 0  # a schema made after authtoken was removed
        # The table name is quoted (quote_name); nothing else in the statement varies.
        copy = f"INSERT INTO accounts_apitoken (digest, token_key, created, expiry, uid, name, user_id) SELECT encode(sha512(convert_to(key, 'UTF8')), 'hex'), left(key, 15), created, NULL, gen_random_uuid(), %s, user_id FROM {table} ON CONFLICT DO NOTHING"  # noqa: S608
        cursor.execute(copy, [IMPORTED_NAME])
        imported = cursor.rowcount
        cursor.execute(f"DROP TABLE {table}")
        # A clean slate for authtoken, should it ever be installed again.
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")
    return imported


def forwards(apps: Any, schema_editor: Any) -> None:
    import_plain_tokens(schema_editor.connection)
    # authtoken's content types and, by cascade, their permissions (and any grants of them).
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
