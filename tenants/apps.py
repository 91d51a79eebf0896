from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenants"

    def ready(self) -> None:
        from tenants.models import Domain, Tenant
        from tenants.resolution import forget_tenants

        for model in (Tenant, Domain):
            post_save.connect(forget_tenants, sender=model, dispatch_uid=f"forget-{model.__name__}-saved")
            post_delete.connect(forget_tenants, sender=model, dispatch_uid=f"forget-{model.__name__}-deleted")
