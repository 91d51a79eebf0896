from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers

from reelremix.api_fields import JsonModelSerializer
from webhooks.addresses import check_endpoint_url
from webhooks.models import Delivery, Endpoint, Event


class EndpointSerializer(JsonModelSerializer[Endpoint]):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices), min_length=1)

    class Meta:
        model = Endpoint
        fields = ["id", "url", "description", "events", "active", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_url(self, url: str) -> str:
        try:
            return check_endpoint_url(url)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class CreatedEndpointSerializer(EndpointSerializer):
    """An endpoint just made, with its signing secret: the only answer that shows it."""

    secret = serializers.CharField(read_only=True)

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    class Meta:
        model = Delivery
        fields = [
            "id", "endpoint", "event", "event_id", "state", "attempts", "first_attempt_at", "last_attempt_at",
            "next_attempt_at", "last_status_code", "last_error", "response_ms", "created_at", "payload",
        ]  # fmt: skip
        read_only_fields = fields
