"""Every change to API tokens: issued (the key is returned once and never stored), used, revoked."""

from __future__ import annotations

import uuid
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import LIFETIMES, ApiToken, Lifetime
from reelremix.errors import Refusal
from tenants.context import current_schema_name

LAST_USED_RESOLUTION = timedelta(minutes=1)  # a busy token costs one UPDATE a minute, not one per request


class TooManyTokens(Refusal):
    status = 409


@transaction.atomic
def do_create_token(
    user: AbstractBaseUser, name: str, lifetime: str = Lifetime.DAYS_90
) -> tuple[ApiToken, str]:
    """Issue a token; the key in the pair is the only copy there will ever be. A user has at most
    API_TOKENS_PER_USER working tokens (TooManyTokens); expired ones are removed first."""
    ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    live = live_tokens(user).count()
    if live >= settings.API_TOKENS_PER_USER:
        raise TooManyTokens(
            "too_many_tokens",
            f"You have {live} API tokens, the most one person may have: revoke one you no longer use first.",
        )
    token, key = ApiToken.objects.create(user, expiry=LIFETIMES[Lifetime(lifetime)], name=name)
    return token, key


def do_revoke_token(user: AbstractBaseUser, uid: uuid.UUID) -> bool:
    """Revoke one of the user's tokens; False when the user has no token by that id."""
    deleted, _ = ApiToken.objects.filter(user=user, uid=uid).delete()
    return deleted > 0


def do_revoke_all_tokens(user: AbstractBaseUser) -> int:
    """Revoke every token of the user (revoke all, and a changed password); returns how many."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def do_forget_sign_in_attempts(username: str) -> int:
    """`username` of this tenant was erased: django-axes' failed sign-ins (name, address, browser) go."""
    key = f"{current_schema_name()}:{username}"
    return sum(model.objects.filter(username=key).delete()[0] for model in (AccessAttempt, AccessFailureLog))


def note_token_used(token: ApiToken) -> None:
    """Stamp the token's last use, unless it was stamped less than a minute ago (then no write at all)."""
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_RESOLUTION:
        return
    # Conditional, so concurrent requests with one token write once between them.
    stale = Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_RESOLUTION)
    ApiToken.objects.filter(Q(digest=token.digest) & stale).update(last_used=now)
    token.last_used = now


def live_tokens(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """The user's tokens that still authenticate, newest first."""
    return ApiToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
