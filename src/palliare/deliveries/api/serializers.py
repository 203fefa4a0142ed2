"""JSON shapes of data sets and deliveries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import DataSet, Delivery
from ..schema import format_value


class ElementSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name_nl = serializers.CharField()
    name_en = serializers.CharField()
    value_type = serializers.CharField()
    unit = serializers.CharField()
    min_value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    max_value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    required = serializers.BooleanField()  # type: ignore[assignment]


class RuleSerializer(serializers.Serializer[Any]):
    left = serializers.CharField()
    operator = serializers.CharField()
    right = serializers.CharField()


class DataSetSerializer(serializers.ModelSerializer[DataSet]):
    """A data set with its current version: what to deliver and the rules it must meet."""

    organization_type = serializers.CharField(
        read_only=True, help_text=_("The type of organisation that delivers it.")
    )
    period_type = serializers.CharField(read_only=True, help_text=_("quarter or year"))

    version = serializers.SerializerMethodField()
    deadline_days = serializers.SerializerMethodField()
    elements = serializers.SerializerMethodField()
    rules = serializers.SerializerMethodField()

    class Meta:
        model = DataSet
        fields = [
            "id",
            "code",
            "name_nl",
            "name_en",
            "organization_type",
            "period_type",
            "version",
            "deadline_days",
            "elements",
            "rules",
        ]

    def get_version(self, obj: DataSet) -> int | None:
        version = obj.current_version()
        return version.number if version else None

    def get_deadline_days(self, obj: DataSet) -> int | None:
        version = obj.current_version()
        return version.deadline_days if version else None

    @extend_schema_field(ElementSerializer(many=True))
    def get_elements(self, obj: DataSet) -> list[dict[str, Any]]:
        version = obj.current_version()
        return ElementSerializer(version.spec.elements if version else [], many=True).data  # type: ignore[return-value]

    @extend_schema_field(RuleSerializer(many=True))
    def get_rules(self, obj: DataSet) -> list[dict[str, Any]]:
        version = obj.current_version()
        return RuleSerializer(version.spec.rules if version else [], many=True).data  # type: ignore[return-value]


class ValueInSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=50)
    value = serializers.CharField(
        max_length=40,
        allow_blank=True,
        allow_null=True,
        help_text=_("A number (decimal comma or point), or ja/nee; empty for an optional one."),
    )


class DeliveryInSerializer(serializers.Serializer[Any]):
    """One delivery: the same checks as an uploaded template."""

    data_set = serializers.CharField(max_length=50, help_text=_("The data set's code."))
    period = serializers.CharField(
        max_length=10, help_text=_("2025-K1 for a quarter, 2025 for a year.")
    )
    version = serializers.IntegerField(
        min_value=1, max_value=100000, help_text=_("The data set version the figures are for.")
    )
    organization = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Your organisation's id (optional; another organisation is refused)."),
    )
    values = ValueInSerializer(many=True, allow_empty=False, max_length=500)  # type: ignore[call-arg]


class DeliveryValueSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    display = serializers.CharField()


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    """One delivery version with its figures and review."""

    data_set = serializers.CharField(source="data_set.code")
    organization = serializers.IntegerField(source="organization_id")
    period = serializers.CharField(source="period.label")
    data_set_version = serializers.IntegerField(source="version.number")
    # Declared, not derived from the model field: the derived bounds depend on the database
    # (SQLite's integers are 64-bit, PostgreSQL's 32-bit), and the schema must not.
    number = serializers.IntegerField(read_only=True, min_value=1, label=_("delivery version"))
    values = serializers.SerializerMethodField()
    status = serializers.CharField(
        read_only=True, help_text=_("submitted, accepted, returned or superseded")
    )
    channel = serializers.CharField(read_only=True, help_text=_("upload or api"))

    class Meta:
        model = Delivery
        fields = [
            "id",
            "data_set",
            "organization",
            "period",
            "number",
            "data_set_version",
            "status",
            "is_late",
            "deadline",
            "submitted_at",
            "channel",
            "review_comment",
            "reviewed_at",
            "values",
        ]

    @extend_schema_field(DeliveryValueSerializer(many=True))
    def get_values(self, obj: Delivery) -> list[dict[str, Any]]:
        spec = obj.version.spec
        return [
            {
                "code": v.element_code,
                "value": v.value,
                "display": format_value(v.value, spec.element(v.element_code)),
            }
            for v in obj.values.all()
        ]
