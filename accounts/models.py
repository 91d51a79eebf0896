"""API tokens of a tenant's users: knox tokens (only a digest of the key is stored) with a name and a last
use. A tenant app, so each tenant's tokens live in its own schema: a key is only ever looked up in the
schema of the host it is sent to."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from knox.models import AbstractAuthToken


class Lifetime(models.TextChoices):
    """How long a new token lives; a token never outlives its choice (knox does not renew it)."""

    DAYS_30 = "30d", "30 days"
    DAYS_90 = "90d", "90 days"
    DAYS_365 = "365d", "1 year"
    NEVER = "never", "Never expires"


LIFETIMES: dict[str, timedelta | None] = {
    Lifetime.DAYS_30: timedelta(days=30),
    Lifetime.DAYS_90: timedelta(days=90),
    Lifetime.DAYS_365: timedelta(days=365),
    Lifetime.NEVER: None,
}


class ApiToken(AbstractAuthToken):
    """knox's token (digest as primary key, token_key: the key's first 15 characters, user, created,
    expiry) with what its owner needs to tell tokens apart and retire the unused ones."""

    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False
    )  # in URLs; the digest stays inside
    name = models.CharField(max_length=100)
    last_used = models.DateTimeField(
        null=True, blank=True
    )  # at most a minute late (services.note_token_used)

    class Meta:
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def key_start(self) -> str:
        """The first characters of the key, enough for its owner to recognise it, far too few to use it."""
        return self.token_key[:8]
