from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register


class MediaJobsConfig(AppConfig):
    name = "media_jobs"
    verbose_name = "Media jobs"

    def ready(self) -> None:
        from media_jobs import registry, stages
        from media_jobs.recovery import PeriodicRecovery
        from media_jobs.resumable import sweep_expired_uploads
        from media_jobs.retention import sweep_expired_files
        from reelremix.scheduler import register_periodic

        registry.register(stages.JOB_KINDS, stages.STAGES)
        register(check_stage_registry)
        register_periodic("recover stalled stages", settings.RECOVERY_INTERVAL_SECONDS, PeriodicRecovery())
        register_periodic("sweep expired uploads", settings.UPLOAD_SWEEP_SECONDS, sweep_expired_uploads)
        register_periodic("sweep expired files", settings.RETENTION_SWEEP_SECONDS, sweep_expired_files)


def check_stage_registry(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every stage a registration refers to exists, no stages wait in a circle, one kind runs on upload."""
    from media_jobs import registry

    return [Error(problem, id="media_jobs.E001") for problem in registry.problems()]
