"""A user's authenticator (TOTP, django-otp) and a tenant's rule that its admin asks for one.

Setting one up takes two steps, so nobody is locked out by a code they never saw work: a pending device
(its QR code shown), then a code from the app confirms it. Removing it takes a current code too."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from reelremix.errors import Refusal
from tenants.models import Tenant

DEVICE_NAME = "authenticator"


class TwoFactorRefusal(Refusal):
    pass


def authenticator(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


@transaction.atomic
def do_start(user: AbstractBaseUser) -> TOTPDevice:
    """A new pending authenticator (an earlier pending one is dropped)."""
    if authenticator(user) is not None:
        raise TwoFactorRefusal("already_set_up", "An authenticator is already set up: remove it first.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def do_confirm(user: AbstractBaseUser, code: str) -> TOTPDevice:
    device = pending(user)
    if device is None:
        raise TwoFactorRefusal("nothing_pending", "Start setting an authenticator up first.")
    if not device.verify_token(code.strip()):
        raise TwoFactorRefusal("wrong_code", "That code is not the one the authenticator shows now.")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def do_remove(user: AbstractBaseUser, code: str, tenant: Tenant) -> None:
    device = authenticator(user)
    if device is None:
        return
    if tenant.admin_requires_2fa and getattr(user, "is_staff", False):
        raise TwoFactorRefusal(
            "required_here",
            "This tenant's admin requires an authenticator: an owner must turn that off first.",
        )
    if not device.verify_token(code.strip()):
        raise TwoFactorRefusal("wrong_code", "That code is not the one the authenticator shows now.")
    device.delete()


def do_require_for_admin(tenant: Tenant, owner: AbstractBaseUser, required: bool) -> None:
    """An owner turns the rule on or off; on only once they have an authenticator themselves."""
    if not getattr(owner, "is_superuser", False):
        raise TwoFactorRefusal("not_owner", "Only the tenant's owners can change this.")
    if required and authenticator(owner) is None:
        raise TwoFactorRefusal(
            "owner_without_authenticator", "Set up your own authenticator first, so you keep your way in."
        )
    tenant.admin_requires_2fa = required
    tenant.save(update_fields=["admin_requires_2fa"])
