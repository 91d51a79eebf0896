from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _moderators_group(sender: AppConfig, **kwargs: Any) -> None:
    """After each schema's migrations (permissions exist by then): the tenant's moderators group."""
    from moderation.decisions import ensure_moderators_group
    from tenants.context import current_schema_name

    if current_schema_name() != "public":
        ensure_moderators_group()


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        post_migrate.connect(_moderators_group, sender=self)
