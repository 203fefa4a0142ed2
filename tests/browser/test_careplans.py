"""Care-plan journeys in a real browser: a GP records an ACP plan, changes it into version 2 and
prints it (the PDF text has the treatment limits and "versie 2"); two people save the same plan
at the same time and neither change is lost silently."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.careplans.models import CarePlan
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

DECISIONS = {
    "89666000": "2",  # resuscitation: no
    "40617009": "2",
    "305351004": "2",
    "32485007": "1",  # hospital: with conditions
    "281789004": "0",
    "116762002": "UNK",
}


def _user(org, code):
    return MembershipFactory(organization=org, role=role(code)).professional.user


def _fill_limits(page):
    for code, value in DECISIONS.items():
        page.check(f'input[name="limit_{code}_decision"][value="{value}"]')
    page.fill('input[name="limit_32485007_specification"]', "Alleen bij een heupfractuur")


def test_gp_records_edits_and_prints_plan(page):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = _user(practice, RoleCode.GP)
    patient = PatientFactory(gp_practice=practice, marked=True)
    log_in(page, gp)
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Zorgplan vastleggen").click()
    assert_accessible(page)
    # Bad input first: no decisions at all is refused, and what was typed stays.
    page.fill('textarea[name="wishes__care_wishes"]', "Zo lang mogelijk thuis.")
    page.get_by_role("button", name="Opslaan als versie 1").click()
    expect(page.get_by_text("Kies een besluit voor Reanimatie").first).to_be_visible()
    assert page.input_value('textarea[name="wishes__care_wishes"]') == "Zo lang mogelijk thuis."
    _fill_limits(page)
    page.check('input[name="wishes__place_of_death"][value="264362003"]')
    page.fill('input[name="contacts-0-name"]', "Jan de Vries")
    page.select_option('select[name="contacts-0-role"]', "24")
    page.fill('input[name="contacts-0-phone"]', "06 12345678")
    page.get_by_role("button", name="Opslaan als versie 1").click()
    page.get_by_text("Opgeslagen als versie 1.").wait_for()
    assert "Versie 1 van" in page.get_by_test_id("version-line").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Plan wijzigen").click()
    page.check('input[name="wishes__place_of_death"][value="284546000"]')
    page.fill('input[name="note"]', "Wil naar het hospice")
    # More goals than the blank rows offered: "add another" adds rows without saving first.
    add_goal = page.get_by_role("button", name="Nog een doel toevoegen")
    add_goal.click()
    add_goal.click()
    page.select_option('select[name="goals-3-dimension"]', "spiritual")
    page.fill('input[name="goals-3-goal"]', "Afscheid nemen van de kleinkinderen")
    assert page.locator('[data-row="goals-3"] legend').inner_text() == "Doel 4"
    page.get_by_role("button", name="Opslaan als versie 2").click()
    page.get_by_text("Opgeslagen als versie 2.").wait_for()
    goals = CarePlan.objects.get(patient=patient).current_version.content["goals"]
    assert [g["goal"] for g in goals] == ["Afscheid nemen van de kleinkinderen"]
    page.get_by_role("link", name="wat is er veranderd").first.click()
    expect(
        page.get_by_test_id("changes").get_by_text("Gewenste plaats van overlijden")
    ).to_be_visible()
    assert_accessible(page)

    response = page.request.get(f"/careplans/patients/{patient.pk}/print/")
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "versie 2" in text
    assert "Reanimatie" in text and "NIET REANIMEREN" in text
    assert "Alleen bij een heupfractuur" in text
    assert CarePlan.objects.get(patient=patient).identifier in text


def test_concurrent_saves_lose_nothing(page, browser, live_server):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = _user(practice, RoleCode.GP)
    poh = _user(practice, RoleCode.PRACTICE_NURSE)
    patient = PatientFactory(gp_practice=practice, marked=True)
    log_in(page, gp)
    page.goto(f"/careplans/patients/{patient.pk}/edit/")
    _fill_limits(page)
    page.get_by_role("button", name="Opslaan als versie 1").click()
    page.get_by_text("Opgeslagen als versie 1.").wait_for()

    other = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1366, "height": 768}
    ).new_page()
    log_in(other, poh)
    # Both open version 1 for editing.
    page.goto(f"/careplans/patients/{patient.pk}/edit/")
    other.goto(f"/careplans/patients/{patient.pk}/edit/")
    other.fill('textarea[name="goal__note"]', "Wijziging van de POH")
    other.get_by_role("button", name="Opslaan als versie 2").click()
    other.get_by_text("Opgeslagen als versie 2.").wait_for()

    page.fill('textarea[name="wishes__what_matters"]', "Wijziging van de huisarts")
    page.get_by_role("button", name="Opslaan als versie 2").click()
    conflict = page.get_by_test_id("conflict")
    conflict.wait_for()
    body = page.content()
    assert "Wijziging van de POH" in body and "Wijziging van de huisarts" in body
    assert_accessible(page)
    page.get_by_test_id("reapply").click()
    assert page.input_value('textarea[name="wishes__what_matters"]') == "Wijziging van de huisarts"
    assert page.input_value('textarea[name="goal__note"]') == "Wijziging van de POH"
    page.get_by_role("button", name="Opslaan als versie 3").click()
    page.get_by_text("Opgeslagen als versie 3.").wait_for()
    content = CarePlan.objects.get(patient=patient).current_version.content
    assert content["goal"]["note"] == "Wijziging van de POH"
    assert content["wishes"]["what_matters"] == "Wijziging van de huisarts"
    other.context.close()
