"""Occupied and total beds of a facility over the last weeks, as a step chart in the house style
(``palliare.ui.charts``, Vega-Lite; decision 0023). The history table on the same page is its
text alternative."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.ui import charts

from .models import BedStatus

MAX_ROWS = 2000
HEIGHT = 140


@dataclass(frozen=True)
class OccupancyChart:
    spec: dict[str, Any]
    max_beds: int
    start: dt.datetime
    end: dt.datetime
    #: (moment, beds, occupied beds), the first one the status in force at ``start``.
    points: tuple[tuple[dt.datetime, int, int], ...]


def occupancy_chart(
    facility_id: int, *, days: int = 30, now: dt.datetime | None = None
) -> OccupancyChart | None:
    """The last ``days`` of reports of a facility (two queries), or None without reports."""
    end = now or timezone.now()
    start = end - dt.timedelta(days=days)
    rows: Sequence[BedStatus] = list(
        BedStatus.objects.filter(facility_id=facility_id, recorded_at__gte=start)
        .order_by("recorded_at", "pk")
        .only("recorded_at", "beds", "free_beds")[:MAX_ROWS]
    )
    before = (
        BedStatus.objects.filter(facility_id=facility_id, recorded_at__lt=start)
        .order_by("-recorded_at", "-pk")
        .only("recorded_at", "beds", "free_beds")
        .first()
    )
    points = [(start, before.beds, before.occupied_beds)] if before else []
    points += [(r.recorded_at, r.beds, r.occupied_beds) for r in rows]
    if not points:
        return None
    max_beds = max(1, max(p[1] for p in points))
    occupied, total = _("Occupied beds"), _("Beds in total")
    values = []
    for moment, beds, occupied_beds in [*points, (end, points[-1][1], points[-1][2])]:
        local = timezone.localtime(moment).isoformat()
        values.append({"when": local, "series": total, "beds": beds})
        values.append({"when": local, "series": occupied, "beds": occupied_beds})
    chart = (
        alt.Chart(charts.data(values))
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("when:T", title=None, axis=alt.Axis(format="%e %b", tickCount=6)),
            y=alt.Y(
                "beds:Q",
                title=_("Beds"),
                scale=alt.Scale(domain=[0, max_beds]),
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[occupied, total], range=["#1f5f5b", "#8a8a8a"]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[occupied, total], range=[[1, 0], [4, 3]]),
            ),
            tooltip=[
                alt.Tooltip("when:T", title=_("When"), format="%e %b %H:%M"),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("beds:Q", title=_("Beds")),
            ],
        )
    )
    return OccupancyChart(
        charts.configure(chart, height=HEIGHT), max_beds, start, end, tuple(points)
    )
