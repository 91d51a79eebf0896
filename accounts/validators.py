"""A changed password revokes the user's API tokens. Django tells every password validator of each saved
password change (`password_changed`, from `AbstractBaseUser.save`), wherever it was made: the admin's
password form, `manage.py changepassword`, a reset. This one checks nothing and only listens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from accounts import services
from tenants.context import current_schema_name


class RevokeTokensOnPasswordChange:
    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        return None

    def password_changed(self, password: str, user: AbstractBaseUser | None = None) -> None:
        # Platform operators (public schema) have no API tokens: the table exists in tenant schemas only.
        if user is not None and user.pk is not None and current_schema_name() != settings.PUBLIC_SCHEMA_NAME:
            services.do_revoke_all_tokens(user)

    def get_help_text(self) -> str:
        return "Changing the password revokes every API token of the account."
