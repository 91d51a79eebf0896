from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Tenant(TenantMixin):
    """An agency: one PostgreSQL schema holding its users, videos, findings and index."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=40, unique=True)
    owner_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    admin_requires_2fa = models.BooleanField(
        default=False, help_text="Its admin asks every user for an authenticator code (set by an owner)."
    )

    auto_create_schema = True
    auto_drop_schema = True

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """A host name that routes to a tenant, e.g. acme.localhost."""

    def __str__(self) -> str:
        return self.domain
