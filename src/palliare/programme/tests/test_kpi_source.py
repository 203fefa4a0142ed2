"""Monitoring's milestone KPIs are computed from the transformation plan: the share of a
phase's deliverables adopted by a decision on or before the period's last day, for the region.
The source is registered with monitoring when the programme app loads."""

from __future__ import annotations

import datetime as dt

from palliare.monitoring import sources
from palliare.monitoring.constants import AreaType, PeriodType
from palliare.monitoring.periods import Period
from palliare.organizations.factories import RegionFactory
from palliare.programme import milestones
from palliare.programme.constants import Phase
from palliare.programme.kpi_source import milestone_figures


def test_the_programme_registers_its_source():
    assert sources.get_source("milestone") is milestone_figures


def test_share_adopted_at_the_end_of_the_period(db, monkeypatch):
    region = RegionFactory()
    seen: list[dt.date] = []

    def counts(on: dt.date) -> dict[str, milestones.PhaseCounts]:
        seen.append(on)
        return {Phase.FRAMEWORKS: milestones.PhaseCounts(total=8, adopted=6)}

    monkeypatch.setattr("palliare.programme.kpi_source.phase_counts", counts)
    period = Period(start=dt.date(2025, 10, 1), type=PeriodType.QUARTER)
    [figure] = milestone_figures(Phase.FRAMEWORKS, period)
    assert seen == [dt.date(2025, 12, 31)]
    assert (figure.area_type, figure.area_id) == (AreaType.REGION, region.pk)
    assert (figure.numerator, figure.denominator, figure.value) == (6, 8, 75)
    assert milestone_figures(Phase.EVALUATION, period) == []  # no deliverables in that phase
    assert milestone_figures("no-such-phase", period) == []
