"""Serializer fields that take JSON's own types only, as the schema promises.

DRF's `CharField` turns a number into a string and its `BooleanField` takes 0, 1, "yes" and "off": right
for form posts, wrong for a JSON body whose schema says "string" or "boolean". Serializers of JSON-only
endpoints use these (`JsonModelSerializer` maps a model's text and boolean fields to them).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from rest_framework import serializers


class JsonCharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


M = TypeVar("M", bound=models.Model)


class JsonModelSerializer(serializers.ModelSerializer[M]):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: JsonCharField,
        models.TextField: JsonCharField,
        models.BooleanField: JsonBooleanField,
    }
