"""API endpoints of capacity: facilities and their bed status (read for every professional,
write for the facility's own staff), district nursing, search near a postcode, requirements."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.exceptions import PermissionDenied as Forbidden
from rest_framework.request import Request
from rest_framework.response import Response

from palliare.accounts.permissions import Permission
from palliare.api.access import PalliareAPIView
from palliare.api.errors import ConflictError, ErrorSerializer

from .. import access, services
from ..constants import Channel
from ..forms import DISTRICT_NURSING
from ..models import BedStatus, DistrictNursingService, Facility, QualityRequirement
from ..querysets import DistrictNursingQuerySet, FacilityQuerySet
from ..search import UnknownPostcodeError, facilities_near, nursing_near, resolve_postcode
from .serializers import (
    BedStatusSerializer,
    BedStatusWriteSerializer,
    DistrictNursingFilter,
    DistrictNursingSerializer,
    FacilityFilter,
    FacilitySerializer,
    RequirementSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
)

TAGS = ["capacity"]


def _facilities() -> FacilityQuerySet:
    return Facility.objects.active().with_current().order_by("name", "pk")


def _facility_or_404(pk: int) -> Facility:
    facility = _facilities().filter(pk=pk).first()
    if facility is None:
        raise NotFound
    return facility


def _postcode_area(text: str, field: str = "postcode") -> Any:
    try:
        return resolve_postcode(text)
    except UnknownPostcodeError as exc:
        raise ValidationError({field: [str(exc)]}) from exc


class FacilityList(PalliareAPIView):
    """Facilities with palliative beds and their current bed status."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = FacilitySerializer

    @extend_schema(
        parameters=[FacilityFilter],
        responses={200: FacilitySerializer(many=True), 400: ErrorSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = FacilityFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        queryset = _facilities()
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("available") is True:
            queryset = queryset.available()
        if data.get("stale") is True:
            queryset = queryset.stale()
        elif data.get("stale") is False:
            queryset = queryset.exclude(pk__in=Facility.objects.stale().values("pk"))
        if data.get("subregion"):
            queryset = queryset.filter(organization__subregion__code=data["subregion"])
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True, context={"now": timezone.now()})
        return self.get_paginated_response(serializer.data)


class FacilityDetail(PalliareAPIView):
    """One facility and its current bed status."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = FacilitySerializer

    @extend_schema(responses={200: FacilitySerializer, 404: ErrorSerializer}, tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(_facility_or_404(pk)).data)


class FacilityHistory(PalliareAPIView):
    """Every bed report of a facility, newest first: its occupancy over time."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = BedStatusSerializer

    @extend_schema(
        responses={
            200: BedStatusSerializer(many=True),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        facility = _facility_or_404(pk)
        rows = BedStatus.objects.filter(facility=facility).order_by("-recorded_at", "-pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class FacilityStatusReport(PalliareAPIView):
    """Report the beds of your own facility now (a new history row)."""

    required_permissions = (Permission.UPDATE_FACILITY_CAPACITY,)
    serializer_class = BedStatusWriteSerializer

    @extend_schema(
        request=BedStatusWriteSerializer,
        responses={
            201: FacilitySerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        facility = _facility_or_404(pk)
        if not access.can_update_facility(request.actor, facility):  # type: ignore[attr-defined]
            raise Forbidden(_("Only the facility's own staff can report its beds."))
        serializer = BedStatusWriteSerializer(data=request.data, context={"facility": facility})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.record_bed_status(
                facility,
                actor=request.actor,  # type: ignore[attr-defined]
                beds=data["beds"],
                free_beds=data["free_beds"],
                admission_status=data["admission_status"],
                waiting_list=data["waiting_list"],
                note=data["note"],
                channel=Channel.API,
                based_on=data.get("based_on"),
                check_concurrency=data.get("based_on") is not None,
            )
        except services.ConcurrentUpdateError as exc:
            current = exc.current.pk if exc.current else None
            raise ConflictError(
                f"Someone else reported the beds meanwhile; the current status is {current}."
            ) from exc
        facility = _facility_or_404(pk)
        return Response(FacilitySerializer(facility).data, status=status.HTTP_201_CREATED)


def _nursing(today: Any) -> DistrictNursingQuerySet:
    return (
        DistrictNursingService.objects.active()
        .with_quality(today)
        .select_related("organization", "current_intake")
        .prefetch_related("municipalities", "postcode_areas")
        .order_by("organization__name", "pk")
    )


class DistrictNursingList(PalliareAPIView):
    """District-nursing services: intake, quality status and service area."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = DistrictNursingSerializer

    @extend_schema(
        parameters=[DistrictNursingFilter],
        responses={200: DistrictNursingSerializer(many=True), 400: ErrorSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = DistrictNursingFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        today = timezone.localdate()
        queryset = _nursing(today)
        if data.get("postcode"):
            queryset = queryset.serving(_postcode_area(data["postcode"]))
        if data.get("taking_clients") is True:
            queryset = queryset.taking_clients()
        if data.get("qualified") is True:
            queryset = queryset.meeting_requirements(today)
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True, context={"today": today})
        return self.get_paginated_response(serializer.data)


class DistrictNursingDetail(PalliareAPIView):
    """One district-nursing service."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = DistrictNursingSerializer

    @extend_schema(responses={200: DistrictNursingSerializer, 404: ErrorSerializer}, tags=TAGS)
    def get(self, request: Request, pk: int) -> Response:
        service = _nursing(timezone.localdate()).filter(pk=pk).first()
        if service is None:
            raise NotFound
        return Response(self.get_serializer(service).data)


class SearchNearPostcode(PalliareAPIView):
    """Facilities with a free bed and district nursing with room that meets the requirements,
    nearest to a postcode first."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = SearchResultSerializer
    pagination_class = None

    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses={200: SearchResultSerializer, 400: ErrorSerializer},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        area = _postcode_area(data["postcode"])
        kind, show_all, limit = data.get("type", ""), data["show_all"], data["limit"]
        facilities = (
            []
            if kind == DISTRICT_NURSING
            else facilities_near(
                area, kinds=[kind] if kind else (), only_available=not show_all, limit=limit
            )
        )
        nursing = (
            nursing_near(
                area, only_taking_clients=not show_all, only_qualified=not show_all, limit=limit
            )
            if kind in ("", DISTRICT_NURSING)
            else []
        )
        # Prefetch the service areas of the hits in two queries.
        from django.db.models import prefetch_related_objects

        prefetch_related_objects([h.service for h in nursing], "municipalities", "postcode_areas")
        result = {
            "origin": {
                "pc4": area.pk,
                "place": area.place,
                "municipality": area.municipality.name if area.municipality else None,
                "latitude": area.latitude,
                "longitude": area.longitude,
            },
            "facilities": [
                {"distance_km": round(h.distance_km, 2), "facility": h.facility} for h in facilities
            ],
            "district_nursing": [
                {
                    "distance_km": None if h.distance_km is None else round(h.distance_km, 2),
                    "service": h.service,
                }
                for h in nursing
            ],
        }
        return Response(SearchResultSerializer(result).data)


class RequirementList(PalliareAPIView):
    """The regional quality requirements for district nursing."""

    required_permissions = (Permission.VIEW_DIRECTORY,)
    serializer_class = RequirementSerializer

    @extend_schema(
        responses={200: RequirementSerializer(many=True), 400: ErrorSerializer}, tags=TAGS
    )
    def get(self, request: Request) -> Response:
        rows = QualityRequirement.objects.order_by("order", "pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
