"""django-tenants' routing by host, through tenants.resolution (remembered per process)."""

from __future__ import annotations

from typing import Any

from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import Tenant
from tenants.resolution import tenant_for_host


class TenantMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model: Any, hostname: str) -> Tenant:
        tenant = tenant_for_host(hostname)
        if tenant is None:
            raise domain_model.DoesNotExist(hostname)
        return tenant
