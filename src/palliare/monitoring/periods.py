"""Reporting periods: calendar years and quarters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .constants import FIRST_YEAR, PeriodType


def quarter_letter() -> str:
    """The abbreviation of "quarter" in the active language: "Q", in Dutch "K"."""
    return pgettext("abbreviation of quarter", "Q")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period [start, end)."""

    start: dt.date
    type: str

    @property
    def end(self) -> dt.date:
        if self.type == PeriodType.YEAR:
            return dt.date(self.start.year + 1, 1, 1)
        month = self.start.month + 3
        return dt.date(self.start.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def label(self) -> str:
        """The period's language-neutral code ("2026 Q3"), used in identifiers (FHIR); pages
        and files show :attr:`display`."""
        if self.type == PeriodType.YEAR:
            return str(self.start.year)
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 1) // 3 + 1

    @property
    def display(self) -> str:
        """The period as the user reads it, in the active language: "2026", "K3 2026"."""
        if self.type == PeriodType.YEAR:
            return str(self.start.year)
        return _("Q%(quarter)s %(year)s") % {
            "quarter": self.quarter_number,
            "year": self.start.year,
        }

    @property
    def slug(self) -> str:
        """The period in a file name, sortable: "2026", "2026-K3"."""
        if self.type == PeriodType.YEAR:
            return str(self.start.year)
        return f"{self.start.year}-{quarter_letter()}{self.quarter_number}"

    @property
    def key(self) -> str:
        return f"{self.type}:{self.start.isoformat()}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), PeriodType.YEAR)

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        return cls(dt.date(year, 3 * (number - 1) + 1, 1), PeriodType.QUARTER)

    @classmethod
    def of(cls, day: dt.date, type: str) -> Period:
        if type == PeriodType.YEAR:
            return cls.year(day.year)
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, key: str) -> Period | None:
        """``year:2024-01-01`` or ``quarter:2026-01-01``; None for anything else."""
        kind, _, start = key.partition(":")
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:
            return None
        if kind not in PeriodType.values or day.day != 1:
            return None
        if kind == PeriodType.YEAR and day.month != 1:
            return None
        if kind == PeriodType.QUARTER and day.month not in (1, 4, 7, 10):
            return None
        return cls(day, kind)


def periods_until(today: dt.date, *, since: dt.date | None = None) -> list[Period]:
    """All years and quarters from :data:`FIRST_YEAR` (or the period holding ``since``) up to
    and including the ones holding ``today``."""
    first = since or dt.date(FIRST_YEAR, 1, 1)
    found: list[Period] = []
    for year in range(max(first.year, FIRST_YEAR), today.year + 1):
        found.append(Period.year(year))
        for q in range(1, 5):
            p = Period.quarter(year, q)
            if p.start <= today and p.end > first:
                found.append(p)
    return [p for p in found if p.end > first and p.start <= today]
