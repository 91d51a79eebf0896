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
        from media_jobs import hooks, registry
        from moderation import retention, services, stages

        registry.register(stages.JOB_KINDS, stages.STAGES)
        hooks.set_visibility_policy(services.publishable)
        hooks.add_video_list_loading(services.with_case)
        hooks.add_video_page_section("moderation/video_case.html", services.video_page_context)
        hooks.add_video_list_filter(services.OUTCOME_FILTER)
        hooks.add_video_timeline(services.timeline_marks)
        hooks.add_retention_hold(retention.held_for_moderation)
        post_migrate.connect(_moderators_group, sender=self)
