"""Consultation journeys in a real browser: "who do I call now?" gives the out-of-hours team on
a Sunday night and the subregional team on a Tuesday morning (answered by htmx, without a page
reload, phone number first); a consultation request about a patient reaches the team on duty,
and its advice reaches the patient's care team; the coordinator sees the uncovered times."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from palliare.accounts.permissions import RoleCode
from palliare.consultations.factories import (
    ConsultationTeamFactory,
    WeeklySlotFactory,
    full_coverage,
)
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    SubregionFactory,
)
from palliare.patients.constants import CareTeamRole
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def new_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1366, "height": 768}
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def region():
    subregion = SubregionFactory(name="Noordmidden Drenthe", code="noordmidden")
    PostcodeAreaFactory(
        pc4="9401", place="Assen", municipality=MunicipalityFactory(subregion=subregion)
    )
    office = ConsultationTeamFactory(
        name="Consultatieteam Assen", subregion=subregion, phone="0592 111 111"
    )
    anw = ConsultationTeamFactory(name="ANW-team Drenthe", subregion=None, phone="0592 999 999")
    full_coverage(subregion, office_team=office, anw_team=anw)
    return {"subregion": subregion, "office": office, "anw": anw}


def ask_who(page, day: str, time: str) -> None:
    page.get_by_label("Datum").fill(day)
    page.get_by_label("Tijd").fill(time)
    page.get_by_role("button", name="Toon wie ik bel").click()


def test_who_do_i_call_sunday_night_and_tuesday_morning(page, make_actor, region):
    gp = make_actor(RoleCode.GP)
    log_in(page, gp.user)
    # The start page answers "now" for a postcode without leaving the page.
    home = page.locator('[data-section="who_to_call"]')
    home.get_by_label("Postcode van de patiënt").fill("9401")
    home.get_by_role("button", name="Toon wie ik bel").click()
    home.get_by_test_id("duty-answer").wait_for()
    expect(page.get_by_role("heading", name="Mijn werk")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wie bel ik?").click()
    page.get_by_role("heading", name="Wie bel ik nu?").wait_for()
    assert_accessible(page)
    page.evaluate("window.__noReload = true")
    page.get_by_label("Postcode van de patiënt").fill("9401")

    ask_who(page, "2026-03-08", "23:00")  # a Sunday night
    answer = page.get_by_test_id("duty-answer")
    answer.wait_for()
    phone = page.get_by_test_id("duty-phone")
    assert phone.inner_text() == "0592 999 999"
    assert page.get_by_test_id("duty-team").inner_text() == "ANW-team Drenthe"
    assert "maandag 9 maart, 08:00" in page.get_by_test_id("duty-until").inner_text()
    assert "Consultatieteam Assen" in page.get_by_test_id("duty-next").inner_text()
    # The phone number comes first in the answer, and is large.
    boxes = [page.get_by_test_id(t).bounding_box() for t in ("duty-phone", "duty-team")]
    assert boxes[0]["y"] < boxes[1]["y"]
    assert float(phone.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 32
    assert_accessible(page)

    ask_who(page, "2026-03-10", "10:00")  # a Tuesday morning
    page.get_by_test_id("duty-phone").filter(has_text="0592 111 111").wait_for()
    assert page.get_by_test_id("duty-team").inner_text() == "Consultatieteam Assen"
    assert "dinsdag 10 maart, 17:00" in page.get_by_test_id("duty-until").inner_text()
    assert page.evaluate("window.__noReload") is True  # answered by htmx, no page reload
    assert "postcode=9401" in page.url  # the answer can be shared as a link

    page.get_by_label("Postcode van de patiënt").fill("1011")
    page.get_by_role("button", name="Toon wie ik bel").click()
    problem = page.get_by_test_id("who-to-call-problem")
    problem.wait_for()
    assert "Postcode 1011 is onbekend" in problem.inner_text()


def test_request_reaches_team_on_duty_and_advice_reaches_care_team(
    page, browser, live_server, make_actor
):
    subregion = SubregionFactory()
    team = ConsultationTeamFactory(name="Consultatieteam Noord", subregion=subregion)
    other_team = ConsultationTeamFactory(name="Consultatieteam Zuid", subregion=subregion)
    WeeklySlotFactory(subregion=subregion, team=team, always=True)
    practice = OrganizationFactory(
        name="Huisartsenpraktijk De Es", type=OrganizationType.GP_PRACTICE, subregion=subregion
    )
    nursing = OrganizationFactory(
        name="Wijkzorg De Linde", type=OrganizationType.DISTRICT_NURSING, subregion=subregion
    )
    gp = make_actor(RoleCode.GP, organization=practice)
    specialist = make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=team)
    off_duty = make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=other_team)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=nursing)
    patient = PatientFactory(
        gp_practice=practice, given_name="Wilma", family_name="Testerink", marked=True
    )
    ConsentFactory(patient=patient)
    CareTeamMemberFactory(
        patient=patient,
        organization=nursing,
        professional=nurse.membership.professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )

    # The GP asks from the patient's page.
    log_in(page, gp.user)
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Consultatie vragen").click()
    page.get_by_role("heading", name="Consultatie vragen").wait_for()
    assert "Wilma Testerink" in page.get_by_test_id("request-patient").inner_text()
    assert_accessible(page)
    page.get_by_label("Binnen 1 uur").check()
    page.get_by_label("Lichamelijk").check()
    page.get_by_label("Diagnosegroep").select_option("cancer")
    page.get_by_label("Uw vraag").fill("Toenemende benauwdheid ondanks morfine. Volgende stap?")
    page.get_by_role("button", name="Vraag versturen").click()
    page.get_by_test_id("team").wait_for()
    assert page.get_by_test_id("team").inner_text() == "Consultatieteam Noord"
    reference = re.search(r"C-\d{5}", page.get_by_role("heading", level=1).inner_text()).group(0)
    assert_accessible(page)

    # The team on duty finds it on its start page and answers.
    team_page = new_page(browser, live_server)
    log_in(team_page, specialist.user)
    section = team_page.locator('[data-section="consultation_inbox"]')
    section.get_by_role("link", name=reference).click()
    assert "Wilma Testerink" in team_page.get_by_test_id("case").inner_text()
    assert_accessible(team_page)
    team_page.get_by_role("button", name="Aannemen").click()
    team_page.get_by_role("textbox", name="Advies").fill(
        "Start subcutane morfine via pomp; evalueer na 24 uur."
    )
    team_page.get_by_role("button", name="Advies opslaan").click()
    team_page.get_by_test_id("advice-text").wait_for()
    team_page.goto("/consultations/inbox/?status=advised")
    assert reference in team_page.get_by_test_id("inbox").inner_text()
    assert_accessible(team_page)
    team_page.context.close()

    # A consultation team that was not on duty never sees it.
    off_page = new_page(browser, live_server)
    log_in(off_page, off_duty.user)
    off_page.goto("/consultations/inbox/")
    assert reference not in off_page.content()
    off_page.context.close()

    # The district nurse in the care team reads the advice on the patient's page.
    nurse_page = new_page(browser, live_server)
    log_in(nurse_page, nurse.user)
    nurse_page.goto(f"/patients/{patient.pk}/")
    advice = nurse_page.get_by_test_id("patient-consultation-advice")
    assert "Start subcutane morfine via pomp" in advice.inner_text()
    nurse_page.goto("/notifications/")
    # The notification's title names the request, not the patient (it outlives access).
    assert reference in nurse_page.content()
    nurse_page.context.close()

    # And the asking GP sees it too.
    page.reload()
    assert "Start subcutane morfine via pomp" in page.get_by_test_id("advice-text").inner_text()


def test_coordinator_sees_uncovered_times(page, make_actor, region):
    from palliare.consultations.models import WeeklySlot

    WeeklySlot.objects.filter(region=region["subregion"].region, start_time="17:00").delete()
    coordinator = make_actor(RoleCode.NETWORK_COORDINATOR, subregion=None)
    log_in(page, coordinator.user)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rooster").click()
    coverage = page.get_by_test_id("coverage")
    coverage.wait_for()
    gaps = coverage.locator('[data-problem="gap"]')
    assert gaps.count() >= 5
    assert any("17:00 –" in text for text in gaps.all_inner_texts())
    assert_accessible(page)
    page.get_by_role("link", name="Weekdienst toevoegen").click()
    page.get_by_label(re.compile(r"^Van\b")).fill("17:00")
    page.get_by_label(re.compile(r"^Tot\b")).fill("08:00")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert "De eindtijd moet later zijn dan de begintijd" in page.content()
    assert_accessible(page)
