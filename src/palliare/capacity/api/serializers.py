"""JSON shapes of facilities, bed status, district nursing and search results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from palliare.api.access import QueryParameters
from palliare.organizations.models import Location, Organization

from ..constants import (
    MAX_BEDS,
    MAX_WAITING_LIST,
    AdmissionStatus,
    FacilityKind,
    IntakeStatus,
    QualityStatus,
)
from ..forms import DISTRICT_NURSING
from ..models import (
    BedStatus,
    DistrictNursingService,
    Facility,
    IntakeStatusChange,
    QualityRequirement,
)
from ..quality import status_of_annotated


class OrganizationRefSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name"]


class PlaceSerializer(serializers.ModelSerializer[Location]):
    pc4 = serializers.CharField(source="postcode_area_id", allow_null=True, read_only=True)
    latitude = serializers.FloatField(
        source="postcode_area.latitude", allow_null=True, read_only=True
    )
    longitude = serializers.FloatField(
        source="postcode_area.longitude", allow_null=True, read_only=True
    )

    class Meta:
        model = Location
        fields = ["street", "house_number", "postcode", "city", "pc4", "latitude", "longitude"]


class BedStatusSerializer(serializers.ModelSerializer[BedStatus]):
    """One bed report."""

    class Meta:
        model = BedStatus
        fields = [
            "id",
            "recorded_at",
            "beds",
            "free_beds",
            "admission_status",
            "waiting_list",
            "note",
            "recorded_by_name",
            "channel",
        ]


class FacilitySerializer(serializers.ModelSerializer[Facility]):
    name = serializers.CharField(source="display_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    organization = OrganizationRefSerializer(read_only=True)
    location = PlaceSerializer(read_only=True)
    phone = serializers.CharField(read_only=True)
    status = BedStatusSerializer(source="current_status", read_only=True, allow_null=True)
    is_stale = serializers.SerializerMethodField(
        help_text=_("True when the beds were not reported in the last 24 hours.")
    )

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "organization",
            "location",
            "phone",
            "status",
            "is_stale",
        ]

    def get_is_stale(self, facility: Facility) -> bool:
        return facility.is_stale(self.context.get("now"))


class FacilityFilter(QueryParameters):
    kind = serializers.ChoiceField(choices=FacilityKind.choices, required=False)
    available = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Only facilities open for admissions with a free bed."),
    )
    stale = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Only facilities whose status is older than 24 hours (or never reported)."),
    )
    subregion = serializers.SlugField(required=False, max_length=50)


class BedStatusWriteSerializer(serializers.Serializer[Any]):
    """A new bed report. Omitted fields keep their current value."""

    free_beds = serializers.IntegerField(min_value=0, max_value=MAX_BEDS)
    beds = serializers.IntegerField(min_value=0, max_value=MAX_BEDS, required=False)
    admission_status = serializers.ChoiceField(choices=AdmissionStatus.choices, required=False)
    waiting_list = serializers.IntegerField(min_value=0, max_value=MAX_WAITING_LIST, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    based_on = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**62,
        help_text=_(
            "The id of the status you last read. When given and no longer current, the report "
            "is refused with 409 (someone else reported meanwhile)."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        facility: Facility = self.context["facility"]
        current = facility.current_status
        beds = attrs.get("beds", current.beds if current else None)
        if beds is None:
            raise serializers.ValidationError(
                {"beds": [_("Give the number of beds in the first report.")]}
            )
        if attrs["free_beds"] > beds:
            raise serializers.ValidationError(
                {
                    "free_beds": [
                        _("There cannot be more free beds (%(free)s) than beds (%(beds)s).")
                        % {"free": attrs["free_beds"], "beds": beds}
                    ]
                }
            )
        attrs["beds"] = beds
        attrs.setdefault(
            "admission_status", current.admission_status if current else AdmissionStatus.OPEN
        )
        attrs.setdefault("waiting_list", current.waiting_list if current else 0)
        attrs.setdefault("note", current.note if current else "")
        return attrs


class IntakeSerializer(serializers.ModelSerializer[IntakeStatusChange]):
    intake_status = serializers.ChoiceField(source="status", choices=IntakeStatus.choices)

    class Meta:
        model = IntakeStatusChange
        fields = ["intake_status", "effective_date", "note", "recorded_at"]


class QualitySerializer(serializers.Serializer[Any]):
    quality_status = serializers.ChoiceField(choices=QualityStatus.choices)
    assessed_on = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    requirements_met = serializers.IntegerField()
    requirements_in_use = serializers.IntegerField()


class DistrictNursingSerializer(serializers.ModelSerializer[DistrictNursingService]):
    """A district-nursing service; needs the ``with_quality`` annotations."""

    organization = OrganizationRefSerializer(read_only=True)
    phone = serializers.CharField(read_only=True)
    intake = IntakeSerializer(source="current_intake", read_only=True, allow_null=True)
    quality = serializers.SerializerMethodField()
    municipalities: Any = serializers.SlugRelatedField(
        many=True, slug_field="gm_code", read_only=True
    )
    postcode_areas: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DistrictNursingService
        fields = [
            "id",
            "organization",
            "phone",
            "intake",
            "quality",
            "municipalities",
            "postcode_areas",
        ]

    @extend_schema_field(QualitySerializer)
    def get_quality(self, service: DistrictNursingService) -> dict[str, Any]:
        today = self.context.get("today") or timezone.localdate()
        assessed_on: dt.date | None = getattr(service, "latest_assessed_on", None)
        valid_until: dt.date | None = getattr(service, "latest_valid_until", None)
        met: int = getattr(service, "requirements_met", 0)
        active: int = getattr(service, "requirements_active", 0)
        status = status_of_annotated(service, today)
        return {
            "quality_status": status.value,
            "assessed_on": assessed_on,
            "valid_until": valid_until,
            "requirements_met": met,
            "requirements_in_use": active,
        }


class DistrictNursingFilter(QueryParameters):
    postcode = serializers.CharField(
        required=False, max_length=10, help_text=_("Only services working in this postcode area.")
    )
    taking_clients = serializers.BooleanField(required=False, allow_null=True, default=None)
    qualified = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Only services meeting every requirement in a valid assessment."),
    )


class SearchQuerySerializer(QueryParameters):
    postcode = serializers.CharField(max_length=10, help_text=_("A PC4 or a full postcode."))
    type = serializers.ChoiceField(
        choices=[*FacilityKind.choices, (DISTRICT_NURSING, _("District nursing"))],
        required=False,
        help_text=_("Only this kind of facility, or only district nursing."),
    )
    show_all = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Also places without room and services that do not meet the requirements."),
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)


class OriginSerializer(serializers.Serializer[Any]):
    pc4 = serializers.CharField()
    place = serializers.CharField()
    municipality = serializers.CharField(allow_null=True)
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class FacilityHitSerializer(serializers.Serializer[Any]):
    distance_km = serializers.FloatField()
    facility = FacilitySerializer()


class NursingHitSerializer(serializers.Serializer[Any]):
    distance_km = serializers.FloatField(allow_null=True)
    service = DistrictNursingSerializer()


class SearchResultSerializer(serializers.Serializer[Any]):
    origin = OriginSerializer()
    facilities = FacilityHitSerializer(many=True)
    district_nursing = NursingHitSerializer(many=True)


class RequirementSerializer(serializers.ModelSerializer[QualityRequirement]):
    # Declared so that the schema does not depend on the database's integer ranges.
    order = serializers.IntegerField(read_only=True, min_value=0, max_value=32767)

    class Meta:
        model = QualityRequirement
        fields = ["id", "code", "title", "description", "evidence_hint", "order", "is_active"]
