"""Consultation response times for monitoring (issue 15): the time to first response
(``time_to_first_response``, stored when a request is accepted) grouped by subregion, team,
urgency and office hours against out of hours — no patient, no question, no person."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

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


def response_groups(start: dt.date, end: dt.date) -> list[ResponseGroup]:
    """Requests asked on or after ``start`` and before ``end`` (local dates) that were
    accepted, grouped (also by the local quarter asked, so one year's groups serve its
    quarters). One query; the distribution keeps whole minutes only."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    until = dt.datetime.combine(end, dt.time(), tzinfo=tz)
    rows = (
        ConsultationRequest.objects.filter(
            created_at__gte=since, created_at__lt=until, time_to_first_response__isnull=False
        )
        .values_list(
            "subregion__region_id",
            "subregion_id",
            "team_id",
            "urgency",
            "created_at",
            "respond_by",
            "accepted_at",
            "time_to_first_response",
        )
        .order_by()
    )
    holidays = PublicHolidays()
    groups: dict[tuple[int | None, int, int, str, bool, int], _Tally] = {}
    for region, subregion, team, urgency, asked, respond_by, accepted, waited in rows.iterator(
        chunk_size=5000
    ):
        local = timezone.localtime(asked)
        key = (
            region,
            subregion,
            team,
            urgency,
            is_office_hours(local, holidays),
            (local.month - 1) // 3 + 1,
        )
        tally = groups.setdefault(key, _Tally())
        tally.answered += 1
        if accepted is not None and accepted <= respond_by:
            tally.within += 1
        if waited is not None:
            tally.minutes[int(waited.total_seconds() // 60)] += 1
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
