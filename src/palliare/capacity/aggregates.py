"""Bed history summed up per facility and day for monitoring (issue 15 item 2: hospice
occupancy, days with an admission stop, stale reporting): counts only, no person.

A facility's *status of a day* is the newest bed report recorded before the end of that local
calendar day (the midnight census); days before a facility's first report are not counted. A day
counts as *stale* when at that census the status was older than the agreed freshness
(:data:`constants.STALE_AFTER`, the same 24 hours that turn a facility grey and send it a
reminder) — with 24 hours: when the facility reported nothing that day. Only days that have
ended count (today is still open).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .constants import STALE_AFTER, AdmissionStatus
from .models import BedStatus, Facility

#: The grouping keys of a facility (the organisation is the area "organisation").
AREA_KEYS = ("region_id", "subregion_id", "municipality_id", "organization_id")


@dataclass
class DayTally:
    """One facility's days in a quarter."""

    days: int = 0  # days with a known status (a report before the end of the day)
    open_days: int = 0  # of which the status was not "closed"
    bed_days: int = 0  # beds summed over the open days (available bed-days)
    occupied_bed_days: int = 0  # beds minus free beds, summed over the open days
    stop_days: int = 0  # days whose status was "admission stop"
    stale_days: int = 0  # days whose status was older than the freshness at the census


@dataclass
class FacilityYear:
    """A facility's areas and kind, and its day tallies per quarter (1–4) of one year."""

    facility_id: int
    kind: str
    region_id: int | None
    subregion_id: int | None
    municipality_id: int | None
    organization_id: int
    quarters: dict[int, DayTally] = field(default_factory=dict)

    def keys(self) -> dict[str, Any]:
        return {
            "region_id": self.region_id,
            "subregion_id": self.subregion_id,
            "municipality_id": self.municipality_id,
            "organization_id": self.organization_id,
            "facility_id": self.facility_id,
            "kind": self.kind,
        }


Report = tuple[dt.datetime, int, int, str]  # recorded_at, beds, free beds, admission status


def _midnight(day: dt.date, tz: Any) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), tz)


def tally_days(
    reports: Sequence[Report],
    before: Report | None,
    start: dt.date,
    stop: dt.date,
    *,
    stale_after: dt.timedelta = STALE_AFTER,
    tz: Any = None,
) -> dict[int, DayTally]:
    """The day tallies per quarter for the local days [start, stop) from one facility's reports
    recorded in that span (sorted by time) and the newest report before it (``before``)."""
    tz = tz or timezone.get_current_timezone()
    found: dict[int, DayTally] = {}
    current = before
    index, n = 0, len(reports)
    day = start
    while day < stop:
        next_day = day + dt.timedelta(days=1)
        day_end = _midnight(next_day, tz)
        while index < n and reports[index][0] < day_end:
            current = reports[index]
            index += 1
        if current is not None:
            stale = day_end - current[0] > stale_after
            tally = found.setdefault((day.month - 1) // 3 + 1, DayTally())
            _recorded, beds, free, status = current
            tally.days += 1
            if status != AdmissionStatus.CLOSED:
                tally.open_days += 1
                tally.bed_days += beds
                tally.occupied_bed_days += beds - free
            if status == AdmissionStatus.ADMISSION_STOP:
                tally.stop_days += 1
            if stale:
                tally.stale_days += 1
        day = next_day
    return found


def facility_years(year: int, *, today: dt.date | None = None) -> list[FacilityYear]:
    """Every active facility's day tallies per quarter of ``year`` (days up to yesterday).
    Three queries: the facilities with their areas, the reports of the year, and the newest
    report before the year of each facility."""
    today = today or timezone.localdate()
    start = dt.date(year, 1, 1)
    stop = min(dt.date(year + 1, 1, 1), today)
    if stop <= start:
        return []
    tz = timezone.get_current_timezone()
    since, until = _midnight(start, tz), _midnight(stop, tz)
    previous = (
        BedStatus.objects.filter(facility=OuterRef("pk"), recorded_at__lt=since)
        .order_by("-recorded_at", "-pk")
        .values("pk")[:1]
    )
    facilities = list(
        Facility.objects.active()
        .annotate(
            municipality_id=F("location__postcode_area__municipality_id"),
            subregion_id=Coalesce(
                "location__postcode_area__municipality__subregion_id",
                "organization__subregion_id",
            ),
            region_id=Coalesce(
                "location__postcode_area__municipality__subregion__region_id",
                "organization__subregion__region_id",
            ),
            previous_id=Subquery(previous),
        )
        .values(
            "pk",
            "kind",
            "organization_id",
            "municipality_id",
            "subregion_id",
            "region_id",
            "previous_id",
        )
        .order_by("pk")
    )
    if not facilities:
        return []
    fields = ("facility_id", "recorded_at", "beds", "free_beds", "admission_status")
    befores: dict[int, Report] = {
        row[0]: row[1:]
        for row in BedStatus.objects.filter(
            pk__in=[f["previous_id"] for f in facilities if f["previous_id"]]
        ).values_list(*fields)
    }
    reports: dict[int, list[Report]] = {}
    for row in (
        BedStatus.objects.filter(recorded_at__gte=since, recorded_at__lt=until)
        .order_by("facility_id", "recorded_at", "pk")
        .values_list(*fields)
        .iterator(chunk_size=5000)
    ):
        reports.setdefault(row[0], []).append(row[1:])
    found = []
    for f in facilities:
        quarters = tally_days(reports.get(f["pk"], []), befores.get(f["pk"]), start, stop, tz=tz)
        if quarters:
            found.append(
                FacilityYear(
                    facility_id=f["pk"],
                    kind=f["kind"],
                    region_id=f["region_id"],
                    subregion_id=f["subregion_id"],
                    municipality_id=f["municipality_id"],
                    organization_id=f["organization_id"],
                    quarters=quarters,
                )
            )
    return found


def facility_names(ids: Iterable[int]) -> dict[int, str]:
    """Display names of facilities (for labelling per-facility figures). One query."""
    return {
        f.pk: f.display_name
        for f in Facility.objects.filter(pk__in=list(ids)).select_related("organization")
    }
