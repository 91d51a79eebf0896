"""django.contrib.admin with our default site (its own module: tenants.apps may declare only one app)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """The admin whose default site (`admin.site`, where every app registers) asks for a second factor:
    tenants.admin_sites.TwoFactorAdminSite."""

    default_site = "tenants.admin_sites.TwoFactorAdminSite"
