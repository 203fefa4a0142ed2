"""The plan's timeline (workbook figure 1, "globale planning"): per action line and phase the
period from the first start to the last due date of its deliverables, with the milestone
deadlines. Drawn as an SVG chart with a table alternative; two queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q

from .constants import PHASE_ORDER, DeliverableStatus, Phase
from .models import ActionLine, Deliverable, MilestoneKpi

WIDTH = 900  # drawing units of the chart's time axis
LABEL = 220  # room for the action lines' names
ROW = 22


@dataclass
class Span:
    phase: str
    label: str
    starts_on: dt.date
    due_on: dt.date
    total: int
    adopted: int
    x: float = 0
    width: float = 0
    y: float = 0


@dataclass
class Row:
    title: str
    spans: list[Span] = field(default_factory=list)
    y: float = 0


@dataclass
class Timeline:
    rows: list[Row]
    milestones: list[tuple[str, dt.date, float]]
    years: list[tuple[int, float]]
    height: float
    width: float = LABEL + WIDTH
    label_width: float = LABEL

    @property
    def empty(self) -> bool:
        return not any(r.spans for r in self.rows)


def build() -> Timeline:
    spans = (
        Deliverable.objects.order_by()
        .values("action_line_id", "phase")
        .annotate(
            first=Min("starts_on"),
            last=Max("due_on"),
            total=Count("pk"),
            adopted=Count("pk", filter=Q(status=DeliverableStatus.ADOPTED)),
        )
    )
    by_line: dict[int | None, list[Span]] = {}
    labels = dict(Phase.choices)
    for s in spans:
        by_line.setdefault(s["action_line_id"], []).append(
            Span(
                s["phase"], str(labels[s["phase"]]), s["first"], s["last"], s["total"], s["adopted"]
            )
        )
    rows: list[Row] = []
    if None in by_line:
        rows.append(Row(str(labels[Phase.WORKBOOK]), by_line[None]))
    for line in ActionLine.objects.order_by("position", "code").only("code", "title"):
        rows.append(Row(f"{line.code} {line.title}", by_line.get(line.pk, [])))
    kpis = list(MilestoneKpi.objects.order_by("due_on"))
    dates = [d for r in rows for s in r.spans for d in (s.starts_on, s.due_on)]
    dates += [k.due_on for k in kpis]
    if not dates:
        return Timeline(rows=rows, milestones=[], years=[], height=ROW * 2)
    start = dt.date(min(dates).year, 1, 1)
    end = dt.date(max(dates).year + 1, 1, 1)
    total_days = (end - start).days

    def x(day: dt.date) -> float:
        return round(LABEL + WIDTH * (day - start).days / total_days, 1)

    for i, row in enumerate(rows):
        row.y = ROW * (i + 1)
        row.spans.sort(key=lambda s: PHASE_ORDER.index(s.phase))
        for span in row.spans:
            span.x = x(span.starts_on)
            span.width = max(3.0, round(x(span.due_on) - span.x, 1))
            span.y = row.y + 3
    years = [(y, x(dt.date(y, 1, 1))) for y in range(start.year, end.year)]
    milestones = [(f"KPI {k.number}", k.due_on, x(k.due_on)) for k in kpis]
    return Timeline(rows=rows, milestones=milestones, years=years, height=ROW * (len(rows) + 2))
