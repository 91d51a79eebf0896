from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from privacy.models import Export


class ExportSerializer(serializers.ModelSerializer[Export]):
    """An export: its job's state, and where to download the zip once it is ready (owners only)."""

    state = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = ["uid", "state", "job", "created_at", "expires_at", "size_bytes", "counts", "download"]

    def get_state(self, export: Export) -> str:
        if export.expired:
            return "expired"
        return "ready" if export.file else (export.job.state if export.job else "failed")

    def get_download(self, export: Export) -> str | None:
        return reverse("privacy_export_file", args=[export.uid]) if export.ready else None
