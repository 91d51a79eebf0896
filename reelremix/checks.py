"""System checks for configuration (`manage.py check --deploy` and every start-up)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

_HOST_RE = re.compile(r"^(?=.{1,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


@register()
def check_base_domain(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if _HOST_RE.match(settings.BASE_DOMAIN):
        return []
    return [Error(f"BASE_DOMAIN={settings.BASE_DOMAIN!r} is not a host name", id="reelremix.E001")]


@register(deploy=True)
def check_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.PRODUCTION and settings.DEBUG:
        messages.append(Warning("DEBUG is on in production: tracebacks leak to users", id="reelremix.W001"))
    if settings.PRODUCTION and len(settings.SECRET_KEY) < 40:
        messages.append(Error("SECRET_KEY is shorter than 40 characters", id="reelremix.E002"))
    return messages
