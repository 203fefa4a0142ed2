"""Monitoring journeys in a real browser: the steering group opens its start page, sees the KPIs
against target on the dashboard (the Vega-Lite chart renders under the vendored scripts) and
drills down to a subregion where a small count shows as "<5"; the programme team issues the
quarterly report and the PDF's text holds the KPI names, values and calculation rules. Pages
pass axe-core (WCAG 2.1 AA) on a 1366×768 screen."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import pathlib

import pytest
from playwright.sync_api import expect

from palliare.accounts.actors import actor_for
from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.monitoring import services
from palliare.monitoring.models import KpiDefinition
from palliare.monitoring.periods import Period
from palliare.monitoring.tests import golden
from palliare.organizations.factories import MembershipFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)
Q1 = Period.quarter(2026, 1)
#: Rendering the PDF and the charts takes longer than the suite's default on a busy machine.
SLOW = 60_000


def _world():
    services.ensure_catalogue()
    world = golden.build()
    golden.build_more(world, copies=5)
    services.recompute_now(full=True)
    steering = MembershipFactory(role=role(RoleCode.STEERING_GROUP))
    services.set_target(
        actor_for(steering.professional.user, steering.pk),
        KpiDefinition.objects.get(code="plan-before-death"),
        value=decimal.Decimal("20"),
        target_date=dt.date(2026, 3, 31),
        decision_reference="Stuurgroep 16 december 2025",
        decision_date=dt.date(2025, 12, 16),
    )
    return world, steering.professional.user


def test_steering_group_sees_kpis_against_target_and_drills_down(page):
    world, user = _world()
    page.set_default_timeout(SLOW)
    log_in(page, user)
    section = page.locator('[data-section="monitoring_kpis"]')
    expect(section.get_by_text("Individueel zorgplan aanwezig vóór overlijden")).to_be_visible()
    page.goto(f"/monitoring/?period={Q1.key}")
    row = page.locator('tr[data-kpi="plan-before-death"]')
    assert "85,7%" in row.inner_text()
    expect(row.locator('[data-rag="green"]')).to_be_visible()
    page.locator('[data-chart="spec-trend-plan-before-death"][data-rendered="true"]').wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=world.south.name).first.click()
    page.wait_for_url(lambda url: f"subregion={world.south.pk}" in url)
    expect(page.get_by_role("heading", level=1).filter(has_text=world.south.name)).to_be_visible()
    # The south: the expected deaths C and E plus five added: small counts appear as "<5".
    assert "<5" in page.locator('[data-testid="kpi-table"]').inner_text()
    assert_accessible(page)


def test_programme_team_issues_the_quarterly_report(page):
    from pypdf import PdfReader

    _world()
    programme = MembershipFactory(role=role(RoleCode.PROGRAMME_TEAM)).professional.user
    page.set_default_timeout(SLOW)
    log_in(page, programme)
    page.goto("/monitoring/reports/")
    page.get_by_label("Periode").select_option(Q1.key)
    page.get_by_role("button", name="Rapportage uitbrengen").click()
    page.get_by_text("Rapportage uitgebracht").wait_for()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator('[data-download="pdf"]').first.click()
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(pathlib.Path(download.value.path()).read_bytes())).pages
    )
    flat = " ".join(text.split())
    assert "Individueel zorgplan aanwezig vóór overlijden" in flat
    assert "85,7%" in flat
    assert (
        "Aantal van hen met vóór of op de dag van overlijden een versie van het individueel" in flat
    )
    assert "Methoden: rekenregels en definitieversies" in flat
