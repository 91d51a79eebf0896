from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class UpscaleConfig(AppConfig):
    name = "upscale"
    verbose_name = "Upscaling"

    def ready(self) -> None:
        from media_jobs import hooks, registry
        from upscale import stages, views

        registry.register(stages.JOB_KINDS, stages.STAGES)
        hooks.add_video_page_section("upscale/video_upscale.html", views.video_section)
        checks.register(check_weights_path)


def check_weights_path(**kwargs: Any) -> list[checks.CheckMessage]:
    """Torch weights through spandrel are not available here: say so when a path is configured."""
    if not settings.UPSCALE_WEIGHTS_PATH:
        return []
    from gpu_worker.upscaling import spandrel_problem

    problem = spandrel_problem()
    return (
        [
            checks.Warning(
                f"UPSCALE_WEIGHTS_PATH is set but {problem}; upscale jobs fail until it is unset.",
                hint="Unset UPSCALE_WEIGHTS_PATH to upscale with the Real-ESRGAN ncnn models.",
                id="upscale.W001",
            )
        ]
        if problem
        else []
    )
