"""A tenant's exports: the zip an owner orders of everything the tenant has (built by the `privacy_export`
job, `privacy.exporting`), kept in storage until it expires."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from media_jobs.models import Job
from tenants.context import current_schema_name


def _export_key(export: Export, filename: str) -> str:
    return f"{current_schema_name()}/exports/{export.uid}.zip"


class Export(models.Model):
    """One ordered export (written only by `privacy.services`). Its file exists from the job's success
    until `expires_at`; the sweep deletes it then."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.OneToOneField(Job, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=_export_key, max_length=300, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)  # rows written per table
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Export {self.uid}"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def ready(self) -> bool:
        return bool(self.file) and not self.expired
