"""Search near a postcode: facilities with a free bed, district nursing with room that meets the
requirements, and public organisations (for the care finder), nearest first.

Distances are measured between PC4 centroids (CBS): the searched postcode area and the postcode
area of each location. The database orders candidates by an equirectangular approximation
(plain arithmetic, the same on SQLite and PostgreSQL, exact enough for ranking within a
country) and returns only the nearest ``limit``; the great-circle distance shown is computed for
those in Python.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import (
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Subquery,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.organizations.models import Location, Organization, PostcodeArea
from palliare.organizations.validators import parse_pc4

from .constants import QualityStatus
from .models import DistrictNursingService, Facility
from .quality import status_of_annotated
from .querysets import FacilityQuerySet

EARTH_RADIUS_KM = 6371.0088


class UnknownPostcodeError(ValueError):
    """The text is not a Dutch postcode, or its area is not in the reference data."""

    def __init__(self, message: str, *, malformed: bool) -> None:
        super().__init__(message)
        self.malformed = malformed


def resolve_postcode(text: str) -> PostcodeArea:
    """The PC4 area of a postcode, or ``UnknownPostcodeError`` with a message for the user."""
    pc4 = parse_pc4(text)
    if pc4 is None:
        raise UnknownPostcodeError(
            _("Enter a Dutch postcode: four digits, optionally followed by two letters."),
            malformed=True,
        )
    area = PostcodeArea.objects.select_related("municipality").filter(pk=pc4).first()
    if area is None:
        raise UnknownPostcodeError(
            _("Postcode area %(pc4)s is unknown. Check the four digits.") % {"pc4": pc4},
            malformed=False,
        )
    return area


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _squared_degrees(area: PostcodeArea, lat: str, lon: str) -> Expression:
    """Squared distance in latitude-degrees from ``area`` to the point in fields lat/lon."""
    k = math.cos(math.radians(area.latitude))
    dy = F(lat) - Value(area.latitude)
    dx = (F(lon) - Value(area.longitude)) * Value(k)
    return ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())


@dataclass(frozen=True)
class FacilityHit:
    facility: Facility
    distance_km: float
    is_stale: bool

    @property
    def latitude(self) -> float:
        return self.facility.location.postcode_area.latitude  # type: ignore[union-attr]

    @property
    def longitude(self) -> float:
        return self.facility.location.postcode_area.longitude  # type: ignore[union-attr]


def facilities_near(
    area: PostcodeArea,
    *,
    kinds: Collection[str] = (),
    only_available: bool = True,
    limit: int = 25,
    now: dt.datetime | None = None,
) -> list[FacilityHit]:
    """The nearest active facilities to ``area`` (with a free bed, unless ``only_available`` is
    off), optionally of the given kinds. One query."""
    moment = now or timezone.now()
    queryset: FacilityQuerySet = (
        Facility.objects.active()
        .with_current()
        .filter(location__postcode_area__isnull=False)
        .alias(
            lat=F("location__postcode_area__latitude"),
            lon=F("location__postcode_area__longitude"),
        )
        .alias(d2=_squared_degrees(area, "lat", "lon"))
    )
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    if only_available:
        queryset = queryset.available()
    hits = []
    for facility in queryset.order_by(F("d2").asc(), "pk")[:limit]:
        point = facility.location.postcode_area
        assert point is not None
        distance = haversine_km(area.latitude, area.longitude, point.latitude, point.longitude)
        hits.append(FacilityHit(facility, distance, facility.is_stale(moment)))
    hits.sort(key=lambda h: (h.distance_km, h.facility.pk))
    return hits


def _main_location_point(field: str) -> Subquery:
    return Subquery(
        Location.objects.filter(organization_id=OuterRef("organization_id"))
        .exclude(postcode_area__isnull=True)
        .order_by("-is_main", "pk")
        .values(f"postcode_area__{field}")[:1],
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class NursingHit:
    service: DistrictNursingService
    distance_km: float | None
    quality: QualityStatus
    intake_is_stale: bool


def nursing_near(
    area: PostcodeArea,
    *,
    only_taking_clients: bool = True,
    only_qualified: bool = True,
    limit: int = 25,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[NursingHit]:
    """District-nursing services that work in ``area``, nearest office first. By default only
    those taking new palliative clients and meeting the quality requirements today."""
    day = today or timezone.localdate()
    moment = now or timezone.now()
    queryset = (
        DistrictNursingService.objects.active()
        .serving(area)
        .with_quality(day)
        .select_related("organization", "current_intake")
        .annotate(lat=_main_location_point("latitude"), lon=_main_location_point("longitude"))
        .alias(d2=_squared_degrees(area, "lat", "lon"))
    )
    if only_taking_clients:
        queryset = queryset.taking_clients()
    if only_qualified:
        queryset = queryset.meeting_requirements(day)
    hits = []
    for service in queryset.order_by(F("d2").asc(nulls_last=True), "pk")[:limit]:
        lat, lon = getattr(service, "lat", None), getattr(service, "lon", None)
        distance = (
            haversine_km(area.latitude, area.longitude, lat, lon)
            if lat is not None and lon is not None
            else None
        )
        quality = status_of_annotated(service, day)
        intake = service.current_intake
        hits.append(
            NursingHit(service, distance, quality, intake is None or intake.is_stale(moment))
        )
    return hits


@dataclass(frozen=True)
class OrganizationHit:
    organization: Organization
    location: Location
    distance_km: float


def organizations_near(
    area: PostcodeArea,
    *,
    types: Collection[str],
    limit: int = 5,
    public_only: bool = True,
) -> list[OrganizationHit]:
    """The nearest active organisations of ``types`` by their main location (public ones only
    unless ``public_only`` is off). Organisations without a known location are left out."""
    base = Organization.objects.public() if public_only else Organization.objects.active()
    locations = (
        Location.objects.filter(
            organization__in=base.filter(type__in=list(types)),
            postcode_area__isnull=False,
            is_main=True,
        )
        .select_related("organization", "postcode_area")
        .alias(
            lat=F("postcode_area__latitude"),
            lon=F("postcode_area__longitude"),
        )
        .alias(d2=_squared_degrees(area, "lat", "lon"))
        .order_by(F("d2").asc(), "pk")
    )
    hits: list[OrganizationHit] = []
    seen: set[int] = set()
    for location in locations[: limit * 3]:
        if location.organization_id in seen:
            continue
        seen.add(location.organization_id)
        point = location.postcode_area
        assert point is not None
        distance = haversine_km(area.latitude, area.longitude, point.latitude, point.longitude)
        hits.append(OrganizationHit(location.organization, location, distance))
        if len(hits) == limit:
            break
    return hits
