from typing import Any

from rest_framework import serializers

from accounts.models import ApiToken, Lifetime


class ObtainTokenSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=100, default="API", help_text="to tell your tokens apart")
    lifetime = serializers.ChoiceField(choices=Lifetime.choices, default=Lifetime.DAYS_90)


class IssuedTokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="the key: shown this once, never again")
    expiry = serializers.DateTimeField(allow_null=True, help_text="null: never expires")
    id = serializers.UUIDField()
    name = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    id = serializers.UUIDField(source="uid", read_only=True)
    key_start = serializers.CharField(read_only=True, help_text="the key's first characters")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_start", "created", "expiry", "last_used"]
        read_only_fields = fields


class RevokedSerializer(serializers.Serializer[Any]):
    revoked = serializers.IntegerField(help_text="how many tokens were revoked")
