"""knox's token authentication (`Authorization: Token <key>`, the key compared by its digest) that also
stamps the token's last use."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from knox.auth import TokenAuthentication

from accounts import services
from accounts.models import ApiToken


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token: ApiToken) -> tuple[AbstractBaseUser, Any]:
        found = super().validate_user(auth_token)  # refuses the tokens of deactivated users
        services.note_token_used(auth_token)
        return found
