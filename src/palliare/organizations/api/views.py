"""API endpoints of the directory: organisations with their locations (read, for every
professional who may see the directory)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from palliare.accounts.permissions import Permission
from palliare.api.access import PalliareAPIView
from palliare.api.errors import ErrorSerializer

from ..models import Location, Organization
from .serializers import OrganizationFilter, OrganizationSerializer


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
            raise NotFound
        return Response(self.get_serializer(organization).data)
