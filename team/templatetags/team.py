"""`{{ user|role }}`: the user's role on the team, for what a page offers (the nav's Team link)."""

from __future__ import annotations

from typing import Any

from django import template

from team import roles

register = template.Library()


@register.filter
def role(user: Any) -> str:
    return roles.role_of(user).value if user.is_authenticated else ""
