"""How long each plan keeps a video's original and its intermediate files; the seeded plans get theirs
(Free 7 days, Pro 30, Agency 90). Plans an operator added keep everything until they set a number."""

from django.db import migrations, models

DAYS = {"free": 7, "pro": 30, "agency": 90}


def set_days(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for code, days in DAYS.items():
        Plan.objects.filter(code=code).update(original_retention_days=days, intermediate_retention_days=days)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_seed_plans")]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="original_retention_days",
            field=models.PositiveIntegerField(
                blank=True, help_text="days an upload's original file is kept; empty: kept", null=True
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="intermediate_retention_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="days frames, audio, detections, transcripts are kept; empty: kept",
                null=True,
            ),
        ),
        migrations.RunPython(set_days, migrations.RunPython.noop),
    ]
