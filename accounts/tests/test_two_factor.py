"""Two-factor authentication for the admin (TOTP): the platform's admin always asks for it; a tenant's
admin asks users who set an authenticator up, and everyone once an owner requires it. Codes come from the
authenticator's own secret, as a phone app computes them."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from conftest import PASSWORD, client_for
from tenants.models import Tenant


def _code(device: TOTPDevice) -> str:
    """What the authenticator app shows now."""
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def _admin_login(host: str, username: str, password: str = PASSWORD, token: str = "") -> tuple[Client, str]:
    client = Client(HTTP_HOST=host)
    data = {"username": username, "password": password, "next": "/admin/"}
    if token:
        data["otp_token"] = token
    answer = client.post("/admin/login/", data)
    return client, answer.content.decode() if answer.status_code == 200 else answer["Location"]


def _staff(persona, superuser: bool = False) -> User:
    with schema_context(persona.tenant.schema_name):
        User.objects.filter(pk=persona.user.pk).update(is_staff=True, is_superuser=superuser)
        return User.objects.get(pk=persona.user.pk)


def _authenticator(user: User, schema: str) -> TOTPDevice:
    with schema_context(schema):
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_the_platform_admin_refuses_a_password_alone(world):
    with schema_context("public"):
        User.objects.create_superuser("operator", "op@example.com", PASSWORD)
    client, page = _admin_login("localhost", "operator")
    assert "no authenticator yet" in page
    assert client.get("/admin/").status_code == 302  # not let in


def test_the_platform_admin_lets_in_an_operator_with_the_code(world):
    with schema_context("public"):
        operator = User.objects.create_superuser("operator", "op@example.com", PASSWORD)
    device = _authenticator(operator, "public")
    _, page = _admin_login("localhost", "operator")
    assert "token" in page.lower()  # asked for the code
    wrong_code = "000000" if _code(device) != "000000" else "111111"
    _, wrong = _admin_login("localhost", "operator", token=wrong_code)
    assert "Invalid token" in wrong
    _, at_once = _admin_login("localhost", "operator", token=_code(device))
    assert "temporarily disabled" in at_once  # guessing is slowed down: even the right code waits
    with schema_context("public"):  # the wait passes
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    client, went = _admin_login("localhost", "operator", token=_code(device))
    assert went == "/admin/"
    assert client.get("/admin/tenants/tenant/").status_code == 200


def test_a_session_from_the_sites_login_page_does_not_open_the_platform_admin(world):
    with schema_context("public"):
        operator = User.objects.create_superuser("operator", "op@example.com", PASSWORD)
        client = Client(HTTP_HOST="localhost")
        client.force_login(operator)  # a password login, no second factor
    assert client.get("/admin/").status_code == 302


def test_a_tenants_admin_takes_a_password_alone_until_its_owner_requires_more(world):
    alice = _staff(world.alice)
    client, went = _admin_login(world.alice.host, "alice")
    assert went == "/admin/" and client.get("/admin/").status_code == 200
    Tenant.objects.filter(pk=world.acme.pk).update(admin_requires_2fa=True)
    client, page = _admin_login(world.alice.host, "alice")
    assert "no authenticator yet" in page
    device = _authenticator(alice, world.acme.schema_name)
    client, went = _admin_login(world.alice.host, "alice", token=_code(device))
    assert went == "/admin/" and client.get("/admin/").status_code == 200


def test_a_user_with_an_authenticator_is_always_asked_for_it(world):
    alice = _staff(world.alice)
    device = _authenticator(alice, world.acme.schema_name)
    client, page = _admin_login(world.alice.host, "alice")
    assert client.get("/admin/").status_code == 302 and "token" in page.lower()
    client, went = _admin_login(world.alice.host, "alice", token=_code(device))
    assert went == "/admin/"


def test_setting_up_an_authenticator_from_the_account_page(world):
    alice = _staff(world.alice, superuser=True)
    client = client_for(world.alice)
    assert 'data-state="off"' in client.get("/account/two-factor/").content.decode()
    client.post("/account/two-factor/", {"action": "start"})
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and "data-secret" in page
    with schema_context(world.acme.schema_name):
        pending = TOTPDevice.objects.get(user=alice, confirmed=False)
    wrong = client.post("/account/two-factor/", {"action": "confirm", "code": "12"}, follow=True)
    assert "not the one the authenticator shows" in wrong.content.decode()
    client.post("/account/two-factor/", {"action": "confirm", "code": _code(pending)})
    with schema_context(world.acme.schema_name):
        assert TOTPDevice.objects.get(pk=pending.pk).confirmed
    assert client.get("/admin/").status_code == 200  # this session passed the second factor
    assert 'data-state="on"' in client.get("/account/two-factor/").content.decode()


def test_only_an_owner_with_an_authenticator_can_require_it(world):
    client = client_for(world.bob)  # not an owner
    answer = client.post("/account/two-factor/", {"action": "require"}, follow=True)
    assert "Only the tenant&#x27;s owners can change this" in answer.content.decode()
    owner = _staff(world.alice, superuser=True)
    client = client_for(world.alice)
    answer = client.post("/account/two-factor/", {"action": "require"}, follow=True)
    assert "Set up your own authenticator first" in answer.content.decode()
    assert not Tenant.objects.get(pk=world.acme.pk).admin_requires_2fa
    device = _authenticator(owner, world.acme.schema_name)
    client.post("/account/two-factor/", {"action": "require"})
    assert Tenant.objects.get(pk=world.acme.pk).admin_requires_2fa
    assert not Tenant.objects.get(pk=world.globex.pk).admin_requires_2fa  # the other tenant is untouched
    refused = client.post("/account/two-factor/", {"action": "remove", "code": _code(device)}, follow=True)
    assert "an owner must turn that off first" in refused.content.decode()


def test_another_tenants_host_knows_nothing_of_a_users_authenticator(world):
    _authenticator(world.alice.user, world.acme.schema_name)
    client = client_for(world.alice, host=world.charlie.host)  # acme's session on globex's host
    assert client.get("/account/two-factor/").status_code == 302  # to globex's login
    with schema_context(world.globex.schema_name):
        assert not TOTPDevice.objects.exists()


def test_the_operators_command_prints_an_authenticator_that_works(world, capsys):
    with schema_context("public"):
        User.objects.create_superuser("operator", "op@example.com", PASSWORD)
    call_command("totp_device", "operator")
    uri = re.search(r"otpauth://totp/\S+", capsys.readouterr().out)
    assert uri is not None and "issuer=ReelRemix" in uri.group(0)
    with schema_context("public"):
        device = TOTPDevice.objects.get(user__username="operator")
    _, went = _admin_login("localhost", "operator", token=_code(device))
    assert went == "/admin/"


@pytest.mark.parametrize("username", ["nobody"])
def test_the_command_refuses_an_unknown_user(world, username):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("totp_device", username)
