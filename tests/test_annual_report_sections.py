"""The annual report gathers the network's year from every app through the programme's section
registry: the monitoring KPIs (region figure, target, baseline), the trainings and the public
events with the newsletter. Each section says nothing about a year it has no figures for."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from palliare.engagement.factories import EventFactory
from palliare.monitoring import services as monitoring
from palliare.monitoring.catalogue import DEFAULT_KPIS
from palliare.monitoring.tests import golden
from palliare.programme.report_sections import sections_for
from palliare.training.factories import RegistrationFactory, SessionFactory

R1_NAME = next(k["name_nl"] for k in DEFAULT_KPIS if k["number"] == "R1")


def _section(year: int, key: str):
    return next((s for s in sections_for(year) if s.key == key), None)


def test_monitoring_section_lists_the_kpis_of_the_year(db):
    monitoring.ensure_catalogue()
    golden.build()
    monitoring.recompute_now(today=dt.date(2026, 5, 1))
    with translation.override("nl"):
        section = _section(2026, "monitoring")
        assert section is not None
        plan_row = next(r for r in section.rows if r[0] == "R1")
        assert plan_row[1] == R1_NAME
        # The hand-worked world has 50% for 2026 on fewer than 10 deaths: not published.
        assert plan_row[2] == "—"
        assert "<5" in section.paragraphs[0]
    assert _section(2019, "monitoring") is None


def test_training_and_engagement_sections(db):
    now = timezone.now()
    session = SessionFactory(
        starts_at=now - dt.timedelta(days=2), ends_at=now - dt.timedelta(days=2, hours=-3)
    )
    RegistrationFactory(session=session)
    EventFactory(starts_at=now - dt.timedelta(days=1), ends_at=now - dt.timedelta(hours=22))
    with translation.override("en"):
        training = _section(now.year, "trainings")
        engagement = _section(now.year, "engagement")
    assert training is not None and "1 training sessions with 10 places" in training.paragraphs[0]
    assert engagement is not None and engagement.rows[0] == ["Public events held", "1"]
    assert _section(now.year - 5, "trainings") is None
    assert _section(now.year - 5, "engagement") is None
