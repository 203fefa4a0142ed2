"""Figures for monitoring's KPIs whose source is "milestone from the programme".

A milestone KPI's rule names a phase of the transformation plan (``constants.Phase``, e.g.
``working_agreements`` for KPI 16 or ``frameworks`` for KPI 7). Its figure for a period is the
share of that phase's deliverables adopted by a decision on or before the period's last day —
computed from the deliverables and decisions, never typed — for the region as a whole.
"""

from __future__ import annotations

import datetime as dt

from palliare.monitoring.constants import AreaType
from palliare.monitoring.periods import Period
from palliare.monitoring.sources import Figure
from palliare.organizations.models import Region

from .constants import Phase
from .milestones import phase_counts


def milestone_figures(rule: str, period: Period) -> list[Figure]:
    """Adopted deliverables of the phase named by ``rule`` against all of them, at the end of
    ``period``. Nothing for an unknown phase or a phase without deliverables."""
    if rule not in Phase.values:
        return []
    last_day = period.end - dt.timedelta(days=1)
    counts = phase_counts(last_day).get(rule)
    region = Region.objects.order_by("pk").first()
    if counts is None or not counts.total or region is None:
        return []
    return [
        Figure(
            area_type=AreaType.REGION,
            area_id=region.pk,
            subgroup="",
            numerator=counts.adopted,
            denominator=counts.total,
            value=100 * counts.adopted / counts.total,
        )
    ]
