"""Who may see a tenant's exports: its owners only (reading an export reads everything the tenant has,
so unlike most pages, even GET is closed to the other roles)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from team import roles
from team.models import Role

ONLY_OWNERS = "Only the site's owners export or delete its data."


def is_owner(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and roles.role_of(user) is Role.OWNER)


def check_owner(user: Any) -> None:
    if not is_owner(user):
        raise PermissionDenied(ONLY_OWNERS)


class IsOwner(BasePermission):
    message = ONLY_OWNERS

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_owner(request.user)
