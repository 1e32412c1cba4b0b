"""The API's đồng field: the same reader as the pages (portal.money.parse_vnd)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.money import parse_vnd


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string", "example": "10.000.000"}],
        "description": "đồng: an integer, or text written the Vietnamese way (10.000.000, 10.000.000 đ)",
    },
    component_name=None,
)
class VndSerializerField(serializers.IntegerField):
    """An API field for đồng: a JSON integer, or a string read by parse_vnd ("10.000.000" is ten million)."""

    def to_internal_value(self, data):
        try:
            number = parse_vnd(data)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from None
        return number
