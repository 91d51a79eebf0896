from __future__ import annotations

from django.apps import AppConfig


class ClipsConfig(AppConfig):
    name = "clips"
    verbose_name = "Clips"

    def ready(self) -> None:
        from clips import stages, views
        from media_jobs import hooks, registry
        from search import hooks as search_hooks

        registry.register(stages.JOB_KINDS, stages.STAGES)
        hooks.add_video_page_section("clips/video_clips.html", views.video_section)
        search_hooks.add_hit_action(views.CLIP_FROM_HERE)
