from django.apps import AppConfig
from django.conf import settings


class MediaJobsConfig(AppConfig):
    name = "media_jobs"
    verbose_name = "Media jobs"

    def ready(self) -> None:
        from media_jobs.recovery import PeriodicRecovery
        from reelremix.scheduler import register_periodic

        register_periodic("recover stalled stages", settings.RECOVERY_INTERVAL_SECONDS, PeriodicRecovery())
