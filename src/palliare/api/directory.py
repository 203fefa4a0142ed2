"""Read endpoints of the regional directory: organisations with their locations.

They live here, with the shared API code, until the directory app takes them over.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from palliare.accounts.permissions import Permission
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Location, Organization, Subregion

from .access import PalliareAPIView, QueryParameters
from .errors import ErrorSerializer


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


def _organizations() -> QuerySet[Organization]:
    return (
        Organization.objects.active()
        .select_related("subregion")
        .prefetch_related(
            Prefetch("locations", queryset=Location.objects.order_by("-is_main", "pk"))
        )
        .order_by("name", "pk")
    )


class OrganizationList(PalliareAPIView):
    """Organisations in the regional directory."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = OrganizationSerializer

    @extend_schema(
        parameters=[OrganizationFilter],
        responses={200: OrganizationSerializer(many=True), 400: ErrorSerializer},
        tags=["directory"],
    )
    def get(self, request: Request) -> Response:
        params = OrganizationFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        queryset = _organizations()
        if data.get("q"):
            q = data["q"].strip()
            queryset = queryset.filter(
                Q(name__icontains=q) | Q(agb_code=q) | Q(locations__city__icontains=q)
            ).distinct()
        if data.get("type"):
            queryset = queryset.filter(type=data["type"])
        if data.get("subregion"):
            queryset = queryset.filter(subregion__code=data["subregion"])
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OrganizationDetail(PalliareAPIView):
    """One organisation."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = OrganizationSerializer

    @extend_schema(
        responses={200: OrganizationSerializer, 404: ErrorSerializer}, tags=["directory"]
    )
    def get(self, request: Request, pk: int) -> Response:
        organization = _organizations().filter(pk=pk).first()
        if organization is None:
            from rest_framework.exceptions import NotFound

            raise NotFound
        return Response(self.get_serializer(organization).data)
