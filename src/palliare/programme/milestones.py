"""The milestone KPIs' status, computed from the deliverables: a pure rule plus one query.

A milestone is *reached* when every deliverable of its phase is adopted by a decision taken
on or before the day asked about; *late* when its deadline passed without that; *at risk* when
a deliverable is overdue, planned after the deadline, or the deadline is near
(``AT_RISK_DAYS``) with deliverables not yet submitted; else *on track*. A phase without any
deliverable planned is at risk (or late after the deadline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from .constants import AT_RISK_DAYS, DeliverableStatus, MilestoneStatus
from .models import Deliverable, MilestoneKpi


@dataclass(frozen=True)
class PhaseCounts:
    total: int = 0
    adopted: int = 0
    submitted: int = 0
    overdue: int = 0
    latest_due: dt.date | None = None
    reached_on: dt.date | None = None


@dataclass(frozen=True)
class MilestoneState:
    """A milestone KPI's status on a day, with the counts it was computed from."""

    kpi_id: int
    number: int
    title: str
    phase: str
    due_on: dt.date
    status: MilestoneStatus
    total: int
    adopted: int
    reached_on: dt.date | None

    @property
    def label(self) -> str:
        return str(self.status.label)


def status_of(due_on: dt.date, counts: PhaseCounts, on: dt.date) -> MilestoneStatus:
    """The rule, without the database."""
    if counts.total and counts.adopted == counts.total:
        return MilestoneStatus.REACHED
    if on > due_on:
        return MilestoneStatus.LATE
    if not counts.total or counts.overdue:
        return MilestoneStatus.AT_RISK
    if counts.latest_due is not None and counts.latest_due > due_on:
        return MilestoneStatus.AT_RISK
    if (due_on - on).days <= AT_RISK_DAYS and counts.submitted + counts.adopted < counts.total:
        return MilestoneStatus.AT_RISK
    return MilestoneStatus.ON_TRACK


def phase_counts(on: dt.date) -> dict[str, PhaseCounts]:
    """Deliverable counts per phase as they stood on ``on``: one aggregate query."""
    adopted = Q(status=DeliverableStatus.ADOPTED, decision__decided_on__lte=on)
    submitted = Q(submitted_on__isnull=False, submitted_on__lte=on) & ~adopted
    rows = (
        Deliverable.objects.order_by()
        .values("phase")
        .annotate(
            total=Count("pk"),
            adopted=Count("pk", filter=adopted),
            submitted=Count("pk", filter=submitted),
            overdue=Count("pk", filter=Q(due_on__lt=on) & ~adopted),
            latest_due=Max("due_on"),
            reached_on=Max("decision__decided_on", filter=adopted),
        )
    )
    return {
        r["phase"]: PhaseCounts(
            total=r["total"],
            adopted=r["adopted"],
            submitted=r["submitted"],
            overdue=r["overdue"],
            latest_due=r["latest_due"],
            reached_on=r["reached_on"],
        )
        for r in rows
    }


def milestone_statuses(on: dt.date) -> list[MilestoneState]:
    """Every milestone KPI's status on ``on``. Two queries, whatever the data size."""
    counts = phase_counts(on)
    states = []
    for kpi in MilestoneKpi.objects.order_by("due_on", "number"):
        c = counts.get(kpi.phase, PhaseCounts())
        status = status_of(kpi.due_on, c, on)
        states.append(
            MilestoneState(
                kpi_id=kpi.pk,
                number=kpi.number,
                title=kpi.title,
                phase=kpi.phase,
                due_on=kpi.due_on,
                status=status,
                total=c.total,
                adopted=c.adopted,
                reached_on=c.reached_on if status == MilestoneStatus.REACHED else None,
            )
        )
    return states
