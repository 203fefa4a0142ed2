"""Who delivered what for which period (organisations × periods)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from palliare.organizations.models import Organization

from .. import periods
from ..constants import Completeness, DeliveryStatus
from ..models import DataSet, Delivery
from .delivering import data_sets_for


@dataclass(frozen=True)
class Cell:
    """One organisation's state for one period."""

    state: str
    delivery: Delivery | None = None
    deadline: dt.date | None = None

    @property
    def label(self) -> str:
        return str(Completeness(self.state).label)

    @property
    def is_late(self) -> bool:
        return self.state == Completeness.LATE or bool(self.delivery and self.delivery.is_late)


@dataclass
class Matrix:
    """Organisations × periods for one data set."""

    data_set: DataSet
    periods: list[periods.Period]
    rows: list[tuple[Organization, list[Cell]]]

    def totals(self) -> dict[str, int]:
        counts: dict[str, int] = {c.value: 0 for c in Completeness}
        for _org, cells in self.rows:
            for cell in cells:
                counts[cell.state] += 1
        return counts


def cell_state(
    latest: Delivery | None,
    period: periods.Period,
    deadline_days: int,
    today: dt.date,
    *,
    asked: bool = True,
) -> Cell:
    """The state of one cell from its newest delivery version (pure)."""
    deadline = period.deadline(deadline_days)
    if latest is None and not asked:
        return Cell(Completeness.NOT_ASKED, None, None)
    if latest is not None:
        state = {
            DeliveryStatus.ACCEPTED: Completeness.ACCEPTED,
            DeliveryStatus.RETURNED: Completeness.RETURNED,
        }.get(DeliveryStatus(latest.status), Completeness.SUBMITTED)
        return Cell(state, latest, deadline)
    if period.end >= today:
        return Cell(Completeness.NOT_DUE, None, deadline)
    if today > deadline:
        return Cell(Completeness.LATE, None, deadline)
    return Cell(Completeness.DUE, None, deadline)


def completeness(
    data_set: DataSet,
    period_list: Sequence[periods.Period],
    *,
    organization_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
) -> Matrix:
    """Who delivered what: each active organisation of the data set's type against the given
    periods (three queries, whatever the size)."""
    day = today or timezone.localdate()
    version = data_set.current_version()
    deadline_days = version.deadline_days if version else 42
    organizations = Organization.objects.filter(type=data_set.organization_type, is_active=True)
    if organization_ids is not None:
        organizations = organizations.filter(pk__in=list(organization_ids))
    orgs = list(organizations.order_by("name", "pk"))
    starts = [p.start for p in period_list]
    latest: dict[tuple[int, dt.date], Delivery] = {}
    for delivery in (
        Delivery.objects.filter(data_set=data_set, period_start__in=starts, organization__in=orgs)
        .latest_per_period()
        .select_related("data_set")
    ):
        latest[(delivery.organization_id, delivery.period_start)] = delivery
    rows = [
        (
            org,
            [
                cell_state(
                    latest.get((org.pk, p.start)),
                    p,
                    deadline_days,
                    day,
                    asked=data_set.asks_for(p),
                )
                for p in period_list
            ],
        )
        for org in orgs
    ]
    return Matrix(data_set, list(period_list), rows)


def open_periods(
    organization: Organization, *, today: dt.date | None = None
) -> list[tuple[DataSet, periods.Period, Cell]]:
    """For a controller: every data set period that is due, late or returned (oldest first),
    over the last two years."""
    day = today or timezone.localdate()
    out = []
    for data_set in data_sets_for(organization):
        period_list = periods.ending_before(
            day, data_set.period_type, 8 if data_set.period_type == "quarter" else 2
        )
        period_list = [p for p in period_list if p.end < day]
        matrix = completeness(data_set, period_list, organization_ids=[organization.pk], today=day)
        for _org, cells in matrix.rows:
            for period, cell in zip(period_list, cells, strict=True):
                if cell.state in (Completeness.DUE, Completeness.LATE, Completeness.RETURNED):
                    out.append((data_set, period, cell))
    return out
