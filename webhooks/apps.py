from django.apps import AppConfig
from django.conf import settings


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from reelremix.scheduler import register_periodic
        from webhooks import events, sending

        events.connect()
        # Retries, and attempts whose worker died or whose message was lost.
        register_periodic("send due webhooks", settings.WEBHOOKS_SWEEP_SECONDS, sending.sweep_due_deliveries)
