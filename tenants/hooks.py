"""Apps above tenants that must set a new tenant up (billing: its subscription) register a provisioner
from their AppConfig.ready(); tenants calls them without importing those apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tenants.models import Tenant


class TenantProvisioner(Protocol):
    """`options` are the keyword arguments given to do_create_tenant (billing reads `plan`)."""

    def check(self, options: dict[str, str]) -> None:
        """Refuse (ValidationError) before anything is made."""

    def provision(self, tenant: Tenant, options: dict[str, str]) -> None:
        """Set the tenant up, inside the transaction that creates it."""


_provisioners: list[TenantProvisioner] = []


def add_provisioner(provisioner: TenantProvisioner) -> None:
    if all(type(known) is not type(provisioner) for known in _provisioners):
        _provisioners.append(provisioner)


def provisioners() -> list[TenantProvisioner]:
    return list(_provisioners)
