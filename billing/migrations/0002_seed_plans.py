"""The three plans every site starts with; operators set the paid plans' Stripe price ids in the admin.
Tenants that existed before billing are grandfathered onto Agency, so upgrading takes nothing away."""

from django.db import migrations

GB = 1024**3
PLANS = [
    {
        "code": "free",
        "name": "Free",
        "monthly_price_cents": 0,
        "minutes_per_month": 60,
        "storage_bytes": 5 * GB,
        "max_upload_bytes": 1 * GB,
        "max_video_seconds": 30 * 60,
        "concurrent_jobs": 1,
        "sort_order": 0,
    },
    {
        "code": "pro",
        "name": "Pro",
        "monthly_price_cents": 4900,
        "minutes_per_month": 600,
        "storage_bytes": 200 * GB,
        "max_upload_bytes": 4 * GB,
        "max_video_seconds": 2 * 3600,
        "concurrent_jobs": 3,
        "clips": True,
        "recap": True,
        "api_access": True,
        "sort_order": 1,
    },
    {
        "code": "agency",
        "name": "Agency",
        "monthly_price_cents": 19900,
        "minutes_per_month": 3000,
        "storage_bytes": 2048 * GB,
        "concurrent_jobs": 10,
        "clips": True,
        "recap": True,
        "upscale": True,
        "api_access": True,
        "priority_queue": True,
        "sort_order": 2,
    },
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    Subscription = apps.get_model("billing", "Subscription")
    Tenant = apps.get_model("tenants", "Tenant")
    for fields in PLANS:
        Plan.objects.update_or_create(code=fields["code"], defaults=fields)
    agency = Plan.objects.get(code="agency")
    for tenant in Tenant.objects.exclude(schema_name="public").filter(subscription__isnull=True):
        Subscription.objects.create(tenant=tenant, plan=agency)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("tenants", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
