from __future__ import annotations

from django.apps import AppConfig


class ClipsConfig(AppConfig):
    name = "clips"
    verbose_name = "Clips"

    def ready(self) -> None:
        from clips import following, queries, stages, views
        from media_jobs import hooks, registry
        from moderation.signals import case_state_changed
        from search import hooks as search_hooks

        registry.register(stages.JOB_KINDS, stages.STAGES)
        hooks.add_video_page_section("clips/video_clips.html", views.video_section)
        hooks.add_video_list_filter(queries.HAS_CLIPS_FILTER)
        search_hooks.add_hit_action(views.CLIP_FROM_HERE)
        case_state_changed.connect(following.do_follow_case, dispatch_uid="clips.follow_cases")
