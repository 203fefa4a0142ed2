"""Consultation response times for monitoring (issue 15): the time to first response
(``time_to_first_response``, stored when a request is accepted) grouped by subregion, team,
urgency and office hours against out of hours — no patient, no question, no person."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractQuarter, TruncDate
from django.utils import timezone

from .models import ConsultationRequest
from .schedule import PublicHolidays

#: Office hours for this statistic: Monday–Friday 08:00–17:00 local time, not on a public
#: holiday. Requests asked at other times count as out of hours (ANW).
OFFICE_START = dt.time(8, 0)
OFFICE_END = dt.time(17, 0)


def is_office_hours(moment: dt.datetime, holidays: PublicHolidays | None = None) -> bool:
    """Whether ``moment`` (aware) falls in office hours, in the local time zone."""
    local = timezone.localtime(moment)
    if local.weekday() >= 5 or (holidays or PublicHolidays()).holiday_name(local.date()):
        return False
    return OFFICE_START <= local.time() < OFFICE_END


@dataclass(frozen=True)
class ResponseGroup:
    """Answered requests of one subregion, team, urgency and hours class: how many answered
    within the agreed time, and the distribution of minutes to first response."""

    region_id: int | None
    subregion_id: int
    team_id: int
    urgency: str
    office_hours: bool
    quarter: int
    answered: int
    within_target: int
    minutes: Counter[int]


class WholeMinutes(Func):
    """Whole minutes of a duration, as an integer, on both databases (PostgreSQL stores an
    interval, SQLite microseconds)."""

    template = "FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / 60)"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(%(expressions)s / 60000000)", **extra_context
        )


def response_groups(start: dt.date, end: dt.date) -> list[ResponseGroup]:
    """Requests asked on or after ``start`` and before ``end`` (local dates) that were
    accepted, grouped by subregion, team, urgency, office hours and local quarter (so one
    year's groups serve its quarters). One query that also does the grouping: office hours are
    decided in SQL from the local weekday, hour and the year's public holidays; the
    distribution keeps whole minutes only."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    until = dt.datetime.combine(end, dt.time(), tzinfo=tz)
    holidays = [day for day, _name in PublicHolidays().between(start, end)]
    office = Q(weekday__lte=5, hour__gte=OFFICE_START.hour, hour__lt=OFFICE_END.hour) & ~Q(
        asked_on__in=holidays
    )
    rows = (
        ConsultationRequest.objects.filter(
            created_at__gte=since, created_at__lt=until, time_to_first_response__isnull=False
        )
        .annotate(
            weekday=ExtractIsoWeekDay("created_at", tzinfo=tz),
            hour=ExtractHour("created_at", tzinfo=tz),
            asked_on=TruncDate("created_at", tzinfo=tz),
        )
        .annotate(
            office=Case(When(office, then=Value(True)), default=Value(False)),
            quarter=ExtractQuarter("created_at", tzinfo=tz),
            minutes=WholeMinutes("time_to_first_response"),
        )
        .values(
            "subregion__region_id",
            "subregion_id",
            "team_id",
            "urgency",
            "office",
            "quarter",
            "minutes",
        )
        .annotate(
            answered=Count("pk"),
            within=Count("pk", filter=Q(accepted_at__lte=F("respond_by"))),
        )
        .order_by()
    )
    groups: dict[tuple[int | None, int, int, str, bool, int], _Tally] = {}
    for row in rows:
        key = (
            row["subregion__region_id"],
            row["subregion_id"],
            row["team_id"],
            row["urgency"],
            bool(row["office"]),
            row["quarter"],
        )
        tally = groups.setdefault(key, _Tally())
        tally.answered += row["answered"]
        tally.within += row["within"]
        tally.minutes[int(row["minutes"])] += row["answered"]
    return [
        ResponseGroup(
            region_id=key[0],
            subregion_id=key[1],
            team_id=key[2],
            urgency=key[3],
            office_hours=key[4],
            quarter=key[5],
            answered=tally.answered,
            within_target=tally.within,
            minutes=tally.minutes,
        )
        for key, tally in groups.items()
    ]


@dataclass
class _Tally:
    answered: int = 0
    within: int = 0
    minutes: Counter[int] = field(default_factory=Counter)
