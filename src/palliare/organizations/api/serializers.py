"""Serializers of the directory's API: an organisation with its locations, and the list filter."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from palliare.api.access import QueryParameters

from ..constants import OrganizationType
from ..models import Location, Organization, Subregion


class LocationSerializer(serializers.ModelSerializer[Location]):
    pc4 = serializers.CharField(source="postcode_area_id", allow_null=True, read_only=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "street",
            "house_number",
            "postcode",
            "city",
            "pc4",
            "phone",
            "is_main",
        ]


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    subregion: serializers.SlugRelatedField[Subregion] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)
    locations = LocationSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "type",
            "type_label",
            "agb_code",
            "subregion",
            "parent_id",
            "phone",
            "email",
            "website",
            "is_public",
            "locations",
        ]


class OrganizationFilter(QueryParameters):
    q = serializers.CharField(
        required=False, max_length=100, help_text=_("Part of the name, a place or an AGB code.")
    )
    type = serializers.ChoiceField(choices=OrganizationType.choices, required=False)
    subregion = serializers.SlugField(required=False, max_length=50, help_text=_("Subregion code."))
