"""Programme journeys in a real browser: the coordinator adopts a framework through a
steering-group decision and KPI 7 turns to reached; a member organisation's contact uploads
its progress report; the steering group sees who is late; the coordinator issues the annual
report and its PDF lists the year's meetings, decisions and milestone KPIs. Every page passes
axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from palliare.accounts.actors import actor_for
from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.programme import services
from palliare.programme.constants import MeetingStatus, Phase, RoundKind
from palliare.programme.factories import (
    BodyFactory,
    DeliverableFactory,
    MemberOrganizationFactory,
    MilestoneKpiFactory,
)

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _coordinator():
    office = OrganizationFactory(type=OrganizationType.NETWORK_OFFICE, name="Netwerkbureau")
    membership = MembershipFactory(organization=office, role=role(RoleCode.NETWORK_COORDINATOR))
    return membership.professional.user


def test_coordinator_adopts_a_framework_and_kpi7_is_reached(page):
    user = _coordinator()
    steering_group = BodyFactory()
    MilestoneKpiFactory(number=7, phase=Phase.FRAMEWORKS, due_on=_days(200))
    DeliverableFactory(
        submitted=True,
        phase=Phase.FRAMEWORKS,
        title="Regionaal kader acute zorg",
        starts_on=_days(-100),
        due_on=_days(150),
    )
    log_in(page, user)
    page.goto("/programme/plan/")
    kpi = page.locator('tr[data-kpi="7"]')
    assert kpi.locator("[data-status]").get_attribute("data-status") == "on_track"
    assert_accessible(page)
    page.goto(f"/programme/bodies/{steering_group.pk}/")
    page.get_by_role("link", name="Besluit vastleggen").first.click()
    page.locator("#id_title").fill("Kader acute zorg vastgesteld")
    page.get_by_label("Regionaal kader acute zorg").check()
    assert_accessible(page)
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_text(f"SG-{timezone.localdate().year}-01").first.wait_for()
    page.goto("/programme/plan/")
    kpi = page.locator('tr[data-kpi="7"]')
    assert kpi.locator("[data-status]").get_attribute("data-status") == "reached"
    assert "Behaald" in kpi.inner_text()


def test_contact_uploads_progress_report(page):
    hospice = OrganizationFactory(type=OrganizationType.HOSPICE, name="Hospice De Linde")
    contact = MembershipFactory(organization=hospice, role=role(RoleCode.BUSINESS_CONTROLLER))
    MemberOrganizationFactory(organization=hospice, contact=contact.professional)
    coordinator = actor_for(_coordinator())
    services.create_round(
        coordinator,
        kind=RoundKind.PROGRESS_REPORT,
        year=timezone.localdate().year,
        title="Voortgangsrapportage implementatie kwaliteitskader",
        due_on=_days(20),
    )
    log_in(page, contact.professional.user)
    page.goto("/programme/")
    page.get_by_role("link", name="Het werkplan en de rapportages van Hospice De Linde").click()
    assert_accessible(page)
    page.get_by_test_id("member-rounds").locator('a[href*="/deliver/"]').first.click()
    page.get_by_label("Rapportage").set_input_files(
        files=[
            {
                "name": "voortgang-2026.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.7 voortgang",
            }
        ]
    )
    assert_accessible(page)
    page.get_by_role("button", name="Aanleveren").click()
    page.get_by_text("Aangeleverd. Dank u wel.").wait_for()
    expect(page.get_by_role("link", name="voortgang-2026.pdf")).to_be_visible()


def test_overview_shows_who_is_late(page):
    coordinator = actor_for(_coordinator())
    on_time = MemberOrganizationFactory(organization__name="Thuiszorg Op Tijd")
    MemberOrganizationFactory(organization__name="Zorggroep Te Laat")
    work_plans = services.create_round(
        coordinator,
        kind=RoundKind.WORK_PLAN,
        year=timezone.localdate().year,
        title="Werkplannen aangepast op de kaders",
        due_on=_days(-3),
    )
    services.deliver(coordinator, work_plans, on_time, note="Werkplan")
    steering = MembershipFactory(role=role(RoleCode.STEERING_GROUP)).professional.user
    log_in(page, steering)
    page.goto("/programme/")
    page.get_by_role("link", name="Wie heeft aangeleverd").click()
    late = page.locator('tr[data-member="Zorggroep Te Laat"]')
    assert "Te laat" in late.inner_text()
    assert late.locator('[data-state="late"]').count() == 1
    assert page.locator('tr[data-member="Thuiszorg Op Tijd"] [data-state="late"]').count() == 0
    assert_accessible(page)


def test_coordinator_issues_the_annual_report(page):
    user = _coordinator()
    coordinator = actor_for(user)
    steering = actor_for(MembershipFactory(role=role(RoleCode.STEERING_GROUP)).professional.user)
    year = timezone.localdate().year
    sg = BodyFactory()
    MilestoneKpiFactory(number=7, phase=Phase.FRAMEWORKS, due_on=dt.date(year, 12, 31))
    meeting = services.plan_body_meeting(
        coordinator, sg, starts_at=timezone.now() - dt.timedelta(hours=3), location="Meppel"
    )
    services.add_topic(coordinator, meeting, title="Druk op de thuiszorg")
    services.set_meeting_status(coordinator, meeting, MeetingStatus.HELD)
    services.record_decision(
        steering,
        sg,
        decided_on=timezone.localtime(meeting.starts_at).date(),
        title="Werkplannen vastgesteld",
        meeting=meeting,
    )
    log_in(page, user)
    page.goto("/programme/annual-reports/")
    page.get_by_role("link", name=f"Jaarbericht {year}").click()
    page.get_by_label("Voorwoord").fill("Een jaar waarin de kaders zijn vastgesteld.")
    page.get_by_role("button", name="Opslaan").click()
    assert_accessible(page)
    page.get_by_role("button", name="Uitbrengen als PDF en Word").click()
    link = page.get_by_test_id("issued-pdf").first
    link.wait_for()
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).split()
    )
    for expected in [
        f"Jaarbericht {year}",
        "Een jaar waarin de kaders zijn vastgesteld.",
        "Druk op de thuiszorg",
        f"SG-{year}-01",
        "Werkplannen vastgesteld",
        "KPI 7",
    ]:
        assert expected in text, expected
