from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps

from reelremix.gpu import configure_gpu_worker


class ReelRemixConfig(AppConfig):
    name = "reelremix"
    verbose_name = "ReelRemix"

    def ready(self) -> None:
        configure_gpu_worker()
        from reelremix import broker, checks  # noqa: F401  (checks register themselves)

        broker.setup_broker()
        # Actors bind to the global broker when their module is imported, so discover them after.
        for config in apps.get_app_configs():
            if find_spec(f"{config.name}.actors") is not None:
                import_module(f"{config.name}.actors")
