"""The plan's timeline (workbook figure 1, "globale planning"): per action line and phase the
period from the first start to the last due date of its deliverables, with the milestone
deadlines. A Vega-Lite chart in the house style (``palliare.ui.charts``) with a table
alternative; two queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import altair as alt
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.ui import charts

from .constants import PHASE_ORDER, DeliverableStatus, Phase
from .models import ActionLine, Deliverable, MilestoneKpi

ROW = 26  # height of one action line in the chart, in pixels
#: Room after the last date, so that a deadline's name near the end is not cut off.
END_MARGIN = dt.timedelta(days=150)
#: The phases' colours, in the order of the plan.
PHASE_COLOURS = {
    Phase.WORKBOOK: "#6b6b6b",
    Phase.FRAMEWORKS: "#2f6db5",
    Phase.WORKING_AGREEMENTS: "#5f9a4a",
    Phase.IMPLEMENTATION: "#d99a1e",
    Phase.EVALUATION: "#8a5a2b",
}


@dataclass
class Span:
    phase: str
    label: str
    starts_on: dt.date
    due_on: dt.date
    total: int
    adopted: int


@dataclass
class Row:
    title: str
    spans: list[Span] = field(default_factory=list)


@dataclass
class Timeline:
    rows: list[Row]
    milestones: list[tuple[str, dt.date]]
    today: dt.date
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(r.spans for r in self.rows)


def build(today: dt.date | None = None) -> Timeline:
    """The timeline with a line at ``today`` (default: the local date)."""
    day = today or timezone.localdate()
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
    for row in rows:
        row.spans.sort(key=lambda s: PHASE_ORDER.index(s.phase))
    milestones = [(f"KPI {k.number}", k.due_on) for k in kpis]
    timeline = Timeline(rows=rows, milestones=milestones, today=day)
    if not timeline.empty or milestones:
        timeline.spec = _spec(rows, milestones, day)
    return timeline


def _spec(rows: list[Row], milestones: list[tuple[str, dt.date]], today: dt.date) -> dict[str, Any]:
    labels = dict(Phase.choices)
    order = [row.title for row in rows]
    phases = [str(labels[p]) for p in PHASE_COLOURS]
    spans = [
        {
            "line": row.title,
            "phase": str(labels[s.phase]),
            "from": s.starts_on.isoformat(),
            "to": s.due_on.isoformat(),
            "adopted": f"{s.adopted} / {s.total}",
        }
        for row in rows
        for s in row.spans
    ]
    y = alt.Y("line:N", title=None, sort=order, axis=alt.Axis(labelLimit=260))
    days = [today, *(d for _label, d in milestones)]
    days += [d for row in rows for s in row.spans for d in (s.starts_on, s.due_on)]
    domain = [min(days).isoformat(), (max(days) + END_MARGIN).isoformat()]
    bars = (
        alt.Chart(charts.data(spans))
        .mark_bar(height=ROW * 0.6)
        .encode(
            y=y,
            x=alt.X(
                "from:T",
                title=None,
                axis=alt.Axis(format="%Y", tickCount="year"),
                scale=alt.Scale(domain=domain),
            ),
            x2="to:T",
            color=alt.Color(
                "phase:N",
                title=None,
                scale=alt.Scale(domain=phases, range=list(PHASE_COLOURS.values())),
            ),
            tooltip=[
                alt.Tooltip("line:N", title=_("Action line")),
                alt.Tooltip("phase:N", title=_("Phase")),
                alt.Tooltip("from:T", title=_("From"), format="%e %B %Y"),
                alt.Tooltip("to:T", title=_("Due on"), format="%e %B %Y"),
                alt.Tooltip("adopted:N", title=_("Adopted")),
            ],
        )
    )
    deadlines = charts.data([{"kpi": label, "on": day.isoformat()} for label, day in milestones])
    rules = (
        alt.Chart(deadlines)
        .mark_rule(color="#a40000", strokeDash=[4, 3], strokeWidth=1.5)
        .encode(
            x="on:T",
            tooltip=[
                alt.Tooltip("kpi:N", title=" "),
                alt.Tooltip("on:T", title=_("Deadline"), format="%e %B %Y"),
            ],
        )
    )
    names = (
        alt.Chart(deadlines)
        .mark_text(color="#a40000", fontWeight="bold", align="left", dx=3, baseline="top", y=0)
        .encode(x="on:T", text="kpi:N")
    )
    now = charts.data([{"on": today.isoformat(), "text": _("Today")}])
    today_rule = (
        alt.Chart(now)
        .mark_rule(color="#1a1a1a", strokeWidth=2)
        .encode(x="on:T", tooltip=[alt.Tooltip("on:T", title=_("Today"), format="%e %B %Y")])
    )
    today_name = (
        alt.Chart(now)
        .mark_text(color="#1a1a1a", fontWeight="bold", align="left", dx=3, baseline="bottom")
        .encode(x="on:T", text="text:N", y=alt.value(max(ROW * len(rows), ROW * 2)))
    )
    return charts.configure(
        alt.layer(bars, rules, names, today_rule, today_name),
        height=max(ROW * len(rows), ROW * 2),
    )
