from __future__ import annotations

from typing import Any, cast

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

MIDDLEWARE = "team.middleware.RoleMiddleware"
PERMISSION = "team.permissions.RolePermission"


class TeamConfig(AppConfig):
    name = "team"
    verbose_name = "Team"

    def ready(self) -> None:
        checks.register(check_policy_applied)


def check_policy_applied(**kwargs: Any) -> list[checks.CheckMessage]:
    """Roles are only enforced where the policy is plugged in: pages (the middleware) and the API (the
    default permission class); a settings edit that drops either opens every change to every role."""
    errors: list[checks.CheckMessage] = []
    if MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(checks.Error(f"{MIDDLEWARE} is not in MIDDLEWARE: pages ignore roles.", id="team.E001"))
    permissions = cast(list[str], settings.REST_FRAMEWORK.get("DEFAULT_PERMISSION_CLASSES", []))
    if PERMISSION not in permissions:
        errors.append(
            checks.Error(
                f"{PERMISSION} is not in REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES']: the API ignores roles",
                id="team.E002",
            )
        )
    return errors
