"""The rota engine: from slots to a timeline of who is on duty, per subregion.

Pure computation on plain values (no database), so it is easy to test and to reason about:

- A :class:`Rule` is one weekly or dated slot, with the :class:`Assignment` it stands for.
- :func:`timeline` lays the rules that apply to one subregion (its own and the region-wide
  ones) over a period and cuts it into :class:`Segment` s with the assignments active in each.
  On a Dutch public holiday only weekly rules that include public holidays apply; dated rules
  take precedence over weekly rules for the time they cover.
- :func:`on_duty` answers "who is on duty at this moment, until when, and what comes next".
- :func:`coverage_issues` lists the uncovered and double-covered times.

Times are wall-clock times in the installation's time zone; all computed instants are UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Literal, Protocol

import holidays

from .constants import HOLIDAY_BIT, SlotKind

UTC = dt.UTC
MIDNIGHT = dt.time(0, 0)
Source = Literal["weekly", "dated"]
Problem = Literal["gap", "overlap"]


@dataclass(frozen=True)
class Assignment:
    """Who is on duty under one slot: the team, perhaps a named specialist, and the number."""

    source: Source
    slot_id: int
    kind: str
    team_id: int
    team_name: str
    phone: str
    subregion_id: int | None = None  # None: region-wide
    specialist_id: int | None = None
    specialist_name: str = ""

    @property
    def who(self) -> tuple[int, int | None, str]:
        """What the caller experiences: the same team, person and number."""
        return (self.team_id, self.specialist_id, self.phone)

    @property
    def is_region_wide(self) -> bool:
        return self.subregion_id is None

    @property
    def kind_label(self) -> str:
        return str(SlotKind(self.kind).label)

    def priority(self) -> tuple[int, int, int]:
        return (0 if self.source == "dated" else 1, 1 if self.is_region_wide else 0, self.slot_id)


@dataclass(frozen=True)
class Rule:
    """One slot as the engine sees it. ``date`` set: a dated slot; otherwise weekly ``days``."""

    assignment: Assignment
    start: dt.time
    end: dt.time  # 00:00 = midnight at the end of the day
    days: int = 0
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    date: dt.date | None = None

    @property
    def is_dated(self) -> bool:
        return self.date is not None

    def applies_on(self, day: dt.date, *, is_holiday: bool) -> bool:
        if self.date is not None:
            return self.date == day
        if self.valid_from is not None and day < self.valid_from:
            return False
        if self.valid_until is not None and day > self.valid_until:
            return False
        if is_holiday:
            return bool(self.days & HOLIDAY_BIT)
        return bool(self.days & (1 << day.weekday()))

    def interval_on(self, day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, self.start, tzinfo=tz)
        end_day = day + dt.timedelta(days=1) if self.end == MIDNIGHT else day
        end = dt.datetime.combine(end_day, self.end, tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)


class HolidayCalendar(Protocol):
    def holiday_name(self, day: dt.date) -> str | None: ...


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int, language: str) -> dict[dt.date, str]:
    found = holidays.country_holidays(country, years=[year], language=language or None)
    return dict(found.items())


@dataclass(frozen=True)
class PublicHolidays:
    """Public holidays of a country from the ``holidays`` package (default: the Netherlands)."""

    country: str = "NL"
    language: str = "nl"

    def holiday_name(self, day: dt.date) -> str | None:
        return _country_holidays(self.country, day.year, self.language).get(day)

    def between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
        found: list[tuple[dt.date, str]] = []
        for year in range(start.year, end.year + 1):
            for day, name in sorted(_country_holidays(self.country, year, self.language).items()):
                if start <= day <= end:
                    found.append((day, name))
        return found


@dataclass(frozen=True)
class Segment:
    """A stretch of time in which the same assignments are active (in priority order)."""

    start: dt.datetime
    end: dt.datetime
    assignments: tuple[Assignment, ...] = ()

    @property
    def is_gap(self) -> bool:
        return not self.assignments

    @property
    def is_overlap(self) -> bool:
        """Two or more slots cover this time (even for the same team: a double entry)."""
        return len(self.assignments) > 1

    @property
    def primary(self) -> Assignment | None:
        return self.assignments[0] if self.assignments else None

    @property
    def who(self) -> tuple[tuple[int, int | None, str], ...]:
        return tuple(dict.fromkeys(a.who for a in self.assignments))


def _local_days(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo) -> Iterable[dt.date]:
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def timeline(
    rules: Sequence[Rule],
    start: dt.datetime,
    end: dt.datetime,
    *,
    tz: dt.tzinfo,
    calendar: HolidayCalendar,
) -> list[Segment]:
    """Cut [start, end) into segments with the assignments active in each.

    ``rules`` must already be limited to one subregion's scope (its own and region-wide ones).
    Adjacent segments with the same assignments are merged; a segment without assignments is
    a gap in the rota.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    weekly: list[tuple[dt.datetime, dt.datetime, Assignment]] = []
    dated: list[tuple[dt.datetime, dt.datetime, Assignment]] = []
    for day in _local_days(start, end, tz):
        is_holiday = calendar.holiday_name(day) is not None
        for rule in rules:
            if not rule.applies_on(day, is_holiday=is_holiday):
                continue
            s, e = rule.interval_on(day, tz)
            s, e = max(s, start), min(e, end)
            if s < e:
                (dated if rule.is_dated else weekly).append((s, e, rule.assignment))
    bounds = sorted(
        {start, end, *(s for s, _, _ in weekly + dated), *(e for _, e, _ in weekly + dated)}
    )
    segments: list[Segment] = []
    for a, b in pairwise(bounds):
        active = [x for s, e, x in dated if s < b and e > a]
        if not active:
            active = [x for s, e, x in weekly if s < b and e > a]
        assignments = tuple(sorted(active, key=Assignment.priority))
        if segments and segments[-1].assignments == assignments and segments[-1].end == a:
            segments[-1] = Segment(segments[-1].start, b, assignments)
        else:
            segments.append(Segment(a, b, assignments))
    return segments


@dataclass(frozen=True)
class OnDuty:
    """The answer to "who is on duty at ``moment``?".

    ``until`` is when this team/person/number stops (None: not within the look-ahead);
    ``next`` is the segment that follows (may be a gap).
    """

    moment: dt.datetime
    current: Segment
    until: dt.datetime | None
    next: Segment | None
    horizon: dt.datetime

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        return self.current.assignments

    @property
    def primary(self) -> Assignment | None:
        return self.current.primary

    @property
    def others(self) -> tuple[Assignment, ...]:
        return self.current.assignments[1:]

    @property
    def is_gap(self) -> bool:
        return self.current.is_gap


def on_duty(
    rules: Sequence[Rule],
    moment: dt.datetime,
    *,
    tz: dt.tzinfo,
    calendar: HolidayCalendar,
    look_ahead: dt.timedelta = dt.timedelta(days=14),
) -> OnDuty:
    """Who is on duty at ``moment``, until when, and who comes next."""
    horizon = moment + look_ahead
    segments = timeline(rules, moment, horizon, tz=tz, calendar=calendar)
    first = segments[0]
    who = first.who
    index = 1
    while index < len(segments) and segments[index].who == who:
        index += 1
    current = Segment(first.start, segments[index - 1].end, first.assignments)
    if index >= len(segments):
        return OnDuty(moment, current, None, None, horizon)
    following = segments[index]
    next_who = following.who
    stop = index + 1
    while stop < len(segments) and segments[stop].who == next_who:
        stop += 1
    nxt = Segment(following.start, segments[stop - 1].end, following.assignments)
    return OnDuty(moment, current, following.start, nxt, horizon)


@dataclass(frozen=True)
class CoverageIssue:
    """An uncovered (gap) or double-covered (overlap) stretch of time in one subregion."""

    problem: Problem
    start: dt.datetime
    end: dt.datetime
    assignments: tuple[Assignment, ...] = field(default=())

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start


def coverage_issues(
    rules: Sequence[Rule],
    start: dt.datetime,
    end: dt.datetime,
    *,
    tz: dt.tzinfo,
    calendar: HolidayCalendar,
) -> list[CoverageIssue]:
    """Gaps and overlaps in [start, end), adjacent ones of the same kind merged."""
    issues: list[CoverageIssue] = []
    for segment in timeline(rules, start, end, tz=tz, calendar=calendar):
        problem: Problem | None = (
            "gap" if segment.is_gap else "overlap" if segment.is_overlap else None
        )
        if problem is None:
            continue
        last = issues[-1] if issues else None
        if (
            last is not None
            and last.problem == problem
            and last.end == segment.start
            and {a.who for a in last.assignments} == {a.who for a in segment.assignments}
        ):
            issues[-1] = CoverageIssue(problem, last.start, segment.end, last.assignments)
        else:
            issues.append(CoverageIssue(problem, segment.start, segment.end, segment.assignments))
    return issues
