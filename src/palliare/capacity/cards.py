"""What the pages show about a facility's or a district-nursing service's current state: the
status, whether it is stale, the latest reminder. Built in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from .constants import AdmissionStatus
from .models import BedStatus, CapacityReminder, DistrictNursingService, Facility


def bed_state(status: BedStatus | None) -> str:
    """A short state name for CSS classes and map markers."""
    if status is None:
        return "unknown"
    if status.admission_status != AdmissionStatus.OPEN:
        return "stop"
    return "available" if status.free_beds > 0 else "full"


@dataclass(frozen=True)
class FacilityCard:
    facility: Facility
    status: BedStatus | None
    is_stale: bool
    reminded_at: dt.datetime | None  # a reminder sent since the last report
    state: str
    error: str = ""


def facility_cards(
    facilities: Sequence[Facility],
    *,
    now: dt.datetime | None = None,
    error_for: int | None = None,
    error: str = "",
) -> list[FacilityCard]:
    """Cards for facilities fetched ``with_current()``; one extra query for reminders."""
    moment = now or timezone.now()
    reminders = dict(
        CapacityReminder.objects.filter(facility__in=[f.pk for f in facilities])
        .values("facility_id")
        .annotate(last=Max("sent_at"))
        .values_list("facility_id", "last")
    )
    cards = []
    for facility in facilities:
        status = facility.current_status
        reminded = reminders.get(facility.pk)
        if reminded is not None and status is not None and reminded < status.recorded_at:
            reminded = None
        cards.append(
            FacilityCard(
                facility=facility,
                status=status,
                is_stale=facility.is_stale(moment),
                reminded_at=reminded,
                state=bed_state(status),
                error=error if facility.pk == error_for else "",
            )
        )
    return cards


def managed_facility_cards(
    facility_ids: Sequence[int], *, error_for: int | None = None, error: str = ""
) -> list[FacilityCard]:
    """Cards for the given facility ids, fetched fresh (after a change), sorted by name."""
    facilities = list(Facility.objects.with_current().filter(pk__in=facility_ids))
    facilities.sort(key=lambda f: (f.display_name, f.pk))
    return facility_cards(facilities, error_for=error_for, error=error)


@dataclass(frozen=True)
class IntakeCard:
    service: DistrictNursingService
    is_stale: bool


def intake_cards(
    services: Sequence[DistrictNursingService], *, now: dt.datetime | None = None
) -> list[IntakeCard]:
    moment = now or timezone.now()
    return [
        IntakeCard(s, s.current_intake is None or s.current_intake.is_stale(moment))
        for s in services
    ]
