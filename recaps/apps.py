from __future__ import annotations

from django.apps import AppConfig


class RecapsConfig(AppConfig):
    name = "recaps"
    verbose_name = "Recaps"

    def ready(self) -> None:
        from media_jobs import hooks, registry
        from recaps import stages, views

        registry.register(stages.JOB_KINDS, stages.STAGES)
        hooks.add_video_page_section("recaps/video_recaps.html", views.video_section)
