"""A small step chart of occupied beds over time, drawn on the server as SVG (the history table
on the same page is its text alternative)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from .models import BedStatus

WIDTH = 600.0
HEIGHT = 120.0
MAX_ROWS = 2000


@dataclass(frozen=True)
class OccupancyChart:
    width: float
    height: float
    occupied: str  # path of occupied beds
    beds: str  # path of total beds
    max_beds: int
    start: dt.datetime
    end: dt.datetime

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def occupancy_chart(
    facility_id: int, *, days: int = 30, now: dt.datetime | None = None
) -> OccupancyChart | None:
    """The last ``days`` of reports of a facility (one query), or None without reports."""
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
    span = (end - start).total_seconds()

    def x(moment: dt.datetime) -> float:
        return max(0.0, (moment - start).total_seconds() / span * WIDTH)

    def y(value: int) -> float:
        return HEIGHT - value / max_beds * (HEIGHT - 4)

    def step(values: Sequence[int]) -> str:
        parts = []
        for n, (point, value) in enumerate(zip(points, values, strict=True)):
            px, py = x(point[0]), y(value)
            if n == 0:
                parts.append(f"M{px:.1f},{py:.1f}")
            else:
                parts.append(f"H{px:.1f}V{py:.1f}")
        parts.append(f"H{WIDTH:.1f}")
        return "".join(parts)

    occupied = step([p[2] for p in points])
    beds = step([p[1] for p in points])
    return OccupancyChart(WIDTH, HEIGHT, occupied, beds, max_beds, start, end)
