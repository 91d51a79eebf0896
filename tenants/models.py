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
    # An owner asked for the tenant's deletion (privacy.deletion): it is deleted once this has passed.
    deletion_due_at = models.DateTimeField(null=True, blank=True)

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


class DeletionReceipt(models.Model):
    """What remains of a deleted tenant (written by privacy.deletion): no name, slug or email, only a keyed
    hash of its schema name (an operator holding the secret key can tell whether a given tenant was
    deleted, nobody else can), when, and how much went."""

    schema_hash = models.CharField(max_length=64, db_index=True)
    deleted_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict)  # rows and files deleted, by kind

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"Tenant {self.schema_hash[:12]} deleted {self.deleted_at:%Y-%m-%d}"
