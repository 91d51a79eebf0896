"""Who is on a tenant's team and with which role, and who is invited to join it. Tenant-only tables:
they live next to the tenant's own users, in its schema."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """What a user may do on the tenant's site; `team.roles` says which role each change needs."""

    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    MODERATOR = "moderator", "Moderator"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's one role on the team (written only by `team.services`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=16, choices=Role.choices)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Invitation(models.Model):
    """An owner's invitation by email; its accept link is signed (`team.invitations`) and works once."""

    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    # A resend changes the nonce, so a link sent before no longer opens it.
    nonce = models.CharField(max_length=32)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
