"""A saved password change revokes the user's API tokens, wherever it was made."""

from django.contrib.auth.models import User
from django.test import Client
from django_tenants.utils import schema_context

from accounts import services
from accounts.models import ApiToken


def test_it_revokes_the_users_tokens_when_the_password_changes(world):
    with schema_context(world.acme.schema_name):
        services.do_create_token(world.alice.user, "spare", "never")
        alice = User.objects.get(pk=world.alice.user.pk)
        alice.set_password("a whole new passphrase")
        alice.save()
        assert not ApiToken.objects.filter(user=alice).exists()
        assert ApiToken.objects.filter(user=world.bob.user).exists()
    api = Client(HTTP_HOST=world.alice.host, HTTP_AUTHORIZATION=f"Token {world.alice.token}")
    assert api.get("/api/v1/jobs/").status_code == 401


def test_it_keeps_the_tokens_when_other_fields_change(world):
    with schema_context(world.acme.schema_name):
        alice = User.objects.get(pk=world.alice.user.pk)
        alice.email = "alice@new.example"
        alice.save()
        assert ApiToken.objects.filter(user=alice).exists()


def test_it_revokes_through_the_admins_password_form(world, acme_admin):
    url = f"/admin/auth/user/{world.alice.user.pk}/password/"
    response = acme_admin.post(
        url, {"password1": "Another 1ong passphrase", "password2": "Another 1ong passphrase"}
    )
    assert response.status_code == 302
    with schema_context(world.acme.schema_name):
        assert not ApiToken.objects.filter(user=world.alice.user).exists()


def test_it_says_so_beside_the_password_rules(world, acme_admin):
    page = acme_admin.get(f"/admin/auth/user/{world.alice.user.pk}/password/")
    assert "Changing the password revokes every API token of the account." in page.content.decode()


def test_it_changes_a_platform_operators_password_without_tokens(db):
    operator = User.objects.create_user("operator", password="first passphrase")  # public schema
    operator.set_password("second passphrase")
    operator.save()
    assert operator.check_password("second passphrase")
