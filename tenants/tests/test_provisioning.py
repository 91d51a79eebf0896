import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from tenants import services
from tenants.models import Domain, Tenant


def test_it_creates_schema_domain_and_tables(db):
    provisioned = services.do_create_tenant("Initech", "initech", "boss@initech.example", plan="free")
    assert provisioned.domain == "initech.localhost"
    assert schema_exists("t_initech")
    assert Domain.objects.get(domain="initech.localhost").tenant == provisioned.tenant
    with schema_context("t_initech"), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM media_jobs_job")
        assert cursor.fetchone() == (0,)


@pytest.mark.parametrize(
    "slug", ["A", "ab", "1abc", "has_underscore", "trailing-", "double--hyphen", "public", "pg_x"]
)
def test_it_refuses_bad_slugs(db, slug):
    with pytest.raises(ValidationError):
        services.do_create_tenant("Bad", slug, "x@example.com")
    assert not Tenant.objects.filter(name="Bad").exists()


def test_it_refuses_a_taken_slug(world):
    with pytest.raises(ValidationError, match="already taken"):
        services.do_create_tenant("Acme again", "acme", "x@example.com")


def test_it_keeps_users_per_tenant(world):
    from django.contrib.auth import get_user_model

    with schema_context(world.acme.schema_name):
        assert set(get_user_model().objects.values_list("username", flat=True)) == {"alice", "bob"}
    with schema_context(world.globex.schema_name):
        assert set(get_user_model().objects.values_list("username", flat=True)) == {"charlie"}


def test_it_provisions_from_the_command_line(db, capsys):
    call_command(
        "provision_tenant", "umbrella", "--name", "Umbrella", "--owner-email", "o@umbrella.example",
        "--admin-username", "root", "--admin-password", "a long enough password",
    )  # fmt: skip
    assert "umbrella.localhost" in capsys.readouterr().out
    from django.contrib.auth import get_user_model

    with schema_context("t_umbrella"):
        assert get_user_model().objects.get(username="root").is_staff


def test_it_reports_a_bad_slug_from_the_command_line(db):
    with pytest.raises(CommandError, match="3-40 characters"):
        call_command("provision_tenant", "X", "--name", "X", "--owner-email", "o@x.example")
