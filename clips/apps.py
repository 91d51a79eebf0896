from __future__ import annotations

from django.apps import AppConfig


class ClipsConfig(AppConfig):
    name = "clips"
    verbose_name = "Clips"

    def ready(self) -> None:
        from clips import stages
        from media_jobs import registry

        registry.register(stages.JOB_KINDS, stages.STAGES)
