from django.apps import AppConfig


class NoopJobsConfig(AppConfig):
    """A capability added the way every app adds one: this folder, and the one registration below."""

    name = "tests.noop_jobs"
    label = "noop_jobs"

    def ready(self) -> None:
        from media_jobs import registry
        from tests.noop_jobs import stages

        registry.register(stages.JOB_KINDS, stages.STAGES)
