from typing import Any

from rest_framework import serializers

from billing.models import Plan


class PlanSerializer(serializers.ModelSerializer[Plan]):
    class Meta:
        model = Plan
        fields = [
            "code", "name", "monthly_price_cents", "minutes_per_month", "storage_bytes",
            "max_upload_bytes", "max_video_seconds", "concurrent_jobs",
            "clips", "recap", "upscale", "api_access", "priority_queue",
        ]  # fmt: skip
        read_only_fields = fields


class UsageSerializer(serializers.Serializer[Any]):
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    minutes = serializers.FloatField(help_text="processed minutes this period (running jobs included)")
    storage_bytes = serializers.IntegerField()
    running_jobs = serializers.IntegerField()


class BillingSerializer(serializers.Serializer[Any]):
    plan = PlanSerializer()
    status = serializers.CharField()
    new_jobs_blocked = serializers.BooleanField(
        help_text="a payment failed and the grace period is over: no new jobs until it is paid"
    )
    usage = UsageSerializer()
