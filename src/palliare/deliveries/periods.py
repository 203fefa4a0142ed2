"""Reporting periods (quarters and years) as a small pure module: labels, bounds, deadlines.

A period is named by its label: ``2025-K1`` … ``2025-K4`` for quarters, ``2025`` for a year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .constants import PeriodType

_QUARTER = re.compile(r"^(\d{4})-[KQ]([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
MIN_YEAR = 2000
MAX_YEAR = 2100


@dataclass(frozen=True, order=True)
class Period:
    """A quarter or a year: ``start`` and ``end`` are both inside the period."""

    start: dt.date
    end: dt.date
    type: str

    @property
    def label(self) -> str:
        if self.type == PeriodType.QUARTER:
            return f"{self.start.year}-K{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def __str__(self) -> str:
        return self.label

    def deadline(self, days_after_end: int) -> dt.date:
        """The last day to deliver: ``days_after_end`` days after the period's last day."""
        return self.end + dt.timedelta(days=days_after_end)

    def next(self) -> Period:
        return period_containing(self.end + dt.timedelta(days=1), self.type)

    def previous(self) -> Period:
        return period_containing(self.start - dt.timedelta(days=1), self.type)


def quarter(year: int, number: int) -> Period:
    start = dt.date(year, 3 * (number - 1) + 1, 1)
    end_month = 3 * number
    end = (
        dt.date(year, 12, 31)
        if end_month == 12
        else dt.date(year, end_month + 1, 1) - dt.timedelta(days=1)
    )
    return Period(start, end, PeriodType.QUARTER)


def year(number: int) -> Period:
    return Period(dt.date(number, 1, 1), dt.date(number, 12, 31), PeriodType.YEAR)


def period_containing(day: dt.date, period_type: str) -> Period:
    if period_type == PeriodType.QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    return year(day.year)


def parse(label: str, period_type: str | None = None) -> Period | None:
    """The period a label names (``2025-K1``, ``2025-Q1`` or ``2025``), or None. With
    ``period_type``, a label of the other type is None too."""
    text = (label or "").strip()
    match = _QUARTER.match(text)
    found: Period | None = None
    if match and MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        found = quarter(int(match.group(1)), int(match.group(2)))
    elif (match := _YEAR.match(text)) and MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
        found = year(int(match.group(1)))
    if found is None or (period_type is not None and found.type != period_type):
        return None
    return found


def from_start(start: dt.date, period_type: str) -> Period | None:
    """The period of this type that starts on ``start``; None if none does."""
    found = period_containing(start, period_type)
    return found if found.start == start else None


def ending_before(day: dt.date, period_type: str, count: int) -> list[Period]:
    """The ``count`` periods up to and including the one containing ``day``, oldest first."""
    current = period_containing(day, period_type)
    out = [current]
    for _ in range(count - 1):
        out.append(out[-1].previous())
    return list(reversed(out))


def between(first: dt.date, last: dt.date, period_type: str) -> Iterator[Period]:
    """Every period of this type that lies wholly within [first, last]."""
    period = period_containing(first, period_type)
    if period.start < first:
        period = period.next()
    while period.end <= last:
        yield period
        period = period.next()
