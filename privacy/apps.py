from django.apps import AppConfig
from django.conf import settings


class PrivacyConfig(AppConfig):
    """What a tenant and its users may ask of their data: exports, erasure, the tenant's deletion."""

    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from media_jobs import registry
        from privacy import deletion, services, stages
        from reelremix.scheduler import register_periodic

        registry.register(stages.JOB_KINDS, stages.STAGES)
        every = settings.PRIVACY_SWEEP_SECONDS
        register_periodic("delete expired exports", every, services.sweep_expired_exports)
        register_periodic("delete tenants due for deletion", every, deletion.sweep_due_tenant_deletions)
