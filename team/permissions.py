"""The role policy (`team.roles`) for the API: token users are only known inside DRF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from team import roles

if TYPE_CHECKING:  # rest_framework.views imports this module (a default permission class) while loading
    from rest_framework.request import Request
    from rest_framework.views import APIView


class RolePermission(BasePermission):
    """Refuses, with a 403 saying why, an unsafe request the user's role does not allow."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        reason = roles.refusal(request.user, request.method or "", request.resolver_match, request.path)
        if reason is not None:
            raise PermissionDenied(reason)
        return True
