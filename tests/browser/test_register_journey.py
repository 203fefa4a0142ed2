"""The register journey of issue 3 in a real browser: a district nurse sends a signal → the GP
sees it in the inbox, marks the patient and makes the nurse the central contact → the
coordinator plans the next PaTz meeting and its agenda, prepared from the register, lists the
patient → an action item agreed in the meeting appears on the owner's start page until done.
Every meeting page on the way passes the axe-core WCAG 2.1 AA check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palliare.accounts.factories import role
from palliare.accounts.permissions import RoleCode
from palliare.meetings.factories import CoreTeamFactory
from palliare.meetings.models import ActionItem, AgendaItem, CoreTeamMember, Meeting
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.constants import CareTeamRole, ConsentScope, SignalStatus
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory
from palliare.patients.models import Signal

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _new_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1366, "height": 768}
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def _nav(page, name):
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    ).click()


def test_signal_to_marking_to_agenda_to_action(page, browser, live_server):
    practice = OrganizationFactory(
        type=OrganizationType.GP_PRACTICE, name="Huisartsenpraktijk Het Brinkje"
    )
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING, name="Wijkzorg De Es")
    gp = MembershipFactory(organization=practice, role=role(RoleCode.GP))
    coordinator = MembershipFactory(
        organization=practice, role=role(RoleCode.CORE_TEAM_COORDINATOR)
    )
    nurse = MembershipFactory(organization=nursing, role=role(RoleCode.DISTRICT_NURSE))
    patient = PatientFactory(gp_practice=practice, given_name="Jantina", family_name="Roelofsen")
    CareTeamMemberFactory(
        patient=patient,
        organization=nursing,
        professional=nurse.professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    team = CoreTeamFactory(
        name="Kernteam Het Brinkje", practice=practice, coordinator=coordinator.professional
    )
    CoreTeamMember.objects.create(
        core_team=team, organization=nursing, role=CareTeamRole.DISTRICT_NURSE
    )

    # 1. The district nurse sends a signal.
    log_in(page, nurse.professional.user)
    _nav(page, "Mijn signalen")
    page.get_by_role("link", name="Signaal sturen").click()
    page.get_by_role("link", name="Roelofsen, Jantina").click()
    page.get_by_label("lichamelijk").check()
    page.get_by_label("Wat heeft u gezien?").fill(
        "Valt af, eet nauwelijks, ligt het grootste deel van de dag op bed."
    )
    page.get_by_label("Wat stelt u voor?").select_option(
        label="overweeg de palliatieve fase te markeren"
    )
    page.get_by_role("button", name="Signaal versturen").click()
    page.get_by_text("Uw signaal is verstuurd naar Huisartsenpraktijk Het Brinkje.").wait_for()
    assert Signal.objects.get(patient=patient).status == SignalStatus.NEW

    # 2. The GP sees it in the inbox, marks the patient and sets the central contact.
    gp_page = _new_page(browser, live_server)
    log_in(gp_page, gp.professional.user)
    _nav(gp_page, "Signalen")
    signal = gp_page.get_by_test_id("signal")
    assert "Valt af, eet nauwelijks" in signal.inner_text()
    signal.get_by_role("link", name="Jantina Roelofsen").click()
    gp_page.get_by_role("link", name="Palliatief markeren").click()
    gp_page.get_by_label("Diagnosegroep").select_option(label="kanker")
    gp_page.get_by_role("button", name="Opslaan").click()
    gp_page.get_by_text("Gemarkeerd als palliatief.").wait_for()
    member = gp_page.locator(".care-team-member", has_text=nurse.professional.full_name)
    member.get_by_role("link", name="maak centrale zorgverlener").click()
    gp_page.get_by_role("button", name="Opslaan").click()
    gp_page.get_by_text("Centrale zorgverlener gewijzigd.").wait_for()
    assert nurse.professional.full_name in gp_page.get_by_test_id("central-contact").inner_text()
    gp_page.context.close()

    # 3. The coordinator plans the next meeting; its agenda from the register lists the patient.
    co_page = _new_page(browser, live_server)
    log_in(co_page, coordinator.professional.user)
    _nav(co_page, "Overleggen")
    co_page.get_by_role("heading", name="Overleggen", exact=True).wait_for()
    assert_accessible(co_page)
    co_page.get_by_role("link", name="Overleg plannen van Kernteam Het Brinkje").click()
    assert_accessible(co_page)
    starts = timezone.localtime() + dt.timedelta(days=6)
    co_page.get_by_label("Datum en tijd").fill(starts.strftime("%Y-%m-%dT12:30"))
    co_page.get_by_role("button", name="Overleg plannen").click()
    co_page.get_by_text("Overleg gepland.").wait_for()
    co_page.get_by_role("button", name="Agenda klaarmaken uit het register").click()
    co_page.get_by_text("Agenda klaargemaakt: 1 patiënten.").wait_for()
    newly = co_page.locator('[data-section="newly_marked"]')
    assert "Roelofsen, Jantina" in newly.inner_text()
    assert "Open signalen" in newly.inner_text()  # also has an open signal
    attendees = co_page.get_by_test_id("attendees").inner_text()
    assert "Wijkzorg De Es" in attendees
    assert_accessible(co_page)
    meeting = Meeting.objects.get(core_team=team)
    assert AgendaItem.objects.filter(meeting=meeting, patient=patient).exists()

    # In the meeting: minutes and an action for the district nurse.
    newly.get_by_role("link", name="Roelofsen, Jantina").click()
    co_page.get_by_role("heading", name="1. Jantina Roelofsen").wait_for()
    assert_accessible(co_page)
    co_page.get_by_label("lichamelijk").fill("Gewichtsverlies, vermoeid; geen pijn.")
    co_page.get_by_label("Besluiten").fill("Proactieve zorgplanning starten.")
    co_page.get_by_role("button", name="Verslag opslaan").click()
    co_page.get_by_text("Verslag opgeslagen.").wait_for()
    co_page.get_by_label("Wat moet er gebeuren?").fill(
        "Voedingsadvies en wensen rond zorg bespreken"
    )
    co_page.get_by_label("Wie doet het?").select_option(value=str(nurse.professional.pk))
    due = timezone.localdate() + dt.timedelta(days=10)
    co_page.get_by_label("Uiterlijk klaar op").fill(due.isoformat())
    co_page.get_by_role("button", name="Actie toevoegen").click()
    co_page.get_by_text("Actie toegevoegd.").wait_for()
    assert "Voedingsadvies" in co_page.locator("#actions").inner_text()
    assert_accessible(co_page)
    co_page.goto(f"/meetings/core-teams/{team.pk}/")
    assert_accessible(co_page)
    co_page.context.close()

    # 4. The action is on the district nurse's start page until she marks it done.
    page.goto("/")
    section = page.locator('[data-section="meeting_actions"]')
    assert "Voedingsadvies en wensen rond zorg bespreken" in section.inner_text()
    assert "Jantina Roelofsen" in section.inner_text()
    assert_accessible(page)
    section.get_by_role("button", name="Gedaan").click()
    page.get_by_text("Actie gedaan.").wait_for()
    assert page.locator('[data-section="meeting_actions"]').count() == 0
    action = ActionItem.objects.get()
    assert action.done_at is not None and action.done_by_name
    page.goto("/meetings/actions/")
    assert_accessible(page)


def test_coordinator_reorders_and_district_nurse_sees_only_shared_patients(
    page, browser, live_server
):
    """The coordinator moves a patient up (htmx, no page load) and adds one by search; the
    district nurse in the core team sees the patient shared with her by name and the other as
    "patient (no consent to share)"."""
    from palliare.accounts.actors import actor_for
    from palliare.meetings import services

    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Praktijk Zuiderhof")
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING, name="Thuiszorg Oost")
    coordinator = MembershipFactory(
        organization=practice, role=role(RoleCode.CORE_TEAM_COORDINATOR)
    )
    nurse = MembershipFactory(organization=nursing, role=role(RoleCode.DISTRICT_NURSE))
    shared = PatientFactory(gp_practice=practice, family_name="Alberdinkhof", urgency="red")
    CareTeamMemberFactory(patient=shared, organization=nursing)
    ConsentFactory(patient=shared, scope=ConsentScope.CARE_TEAM)
    private = PatientFactory(gp_practice=practice, family_name="Brakelveen", urgency="red")
    PatientFactory(gp_practice=practice, family_name="Zoetendal")
    team = CoreTeamFactory(practice=practice, coordinator=coordinator.professional)
    CoreTeamMember.objects.create(
        core_team=team, organization=nursing, role=CareTeamRole.DISTRICT_NURSE
    )
    actor = actor_for(coordinator.professional.user, coordinator.pk)
    meeting = services.plan_meeting(actor, team, starts_at=timezone.now() + dt.timedelta(days=3))
    services.prepare_agenda(actor, meeting)

    log_in(page, coordinator.professional.user)
    page.goto(f"/meetings/{meeting.pk}/")
    urgent = page.locator('[data-section="urgent"]')
    assert urgent.inner_text().index("Alberdinkhof") < urgent.inner_text().index("Brakelveen")
    urgent.get_by_role("button", name=f"{private.sort_name} omhoog").click()
    page.wait_for_function(
        "() => { const t = document.querySelector('[data-section=urgent]').innerText;"
        " return t.indexOf('Brakelveen') < t.indexOf('Alberdinkhof'); }"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Patiënt toevoegen").click()
    page.get_by_label("Naam of BSN").fill("Zoetendal")
    page.get_by_role("button", name="Zoeken").click()
    assert_accessible(page)
    page.get_by_role("button", name="Op de agenda zetten").click()
    page.get_by_text("staat op de agenda").wait_for()
    assert "Zoetendal" in page.locator('[data-section="other"]').inner_text()
    for path in (
        "/meetings/core-teams/",
        f"/meetings/core-teams/{team.pk}/edit/",
        f"/meetings/core-teams/{team.pk}/members/add/",
        f"/meetings/{meeting.pk}/edit/",
        f"/meetings/{meeting.pk}/attendees/add/",
        f"/meetings/{meeting.pk}/cancel/",
    ):
        page.goto(path)
        assert_accessible(page)

    nurse_page = _new_page(browser, live_server)
    log_in(nurse_page, nurse.professional.user)
    _nav(nurse_page, "Overleggen")
    nurse_page.get_by_test_id("meetings-upcoming").get_by_role("link").first.click()
    agenda = nurse_page.get_by_test_id("agenda").inner_text()
    assert "Alberdinkhof" in agenda
    assert "Brakelveen" not in agenda and "Zoetendal" not in agenda
    assert nurse_page.get_by_test_id("hidden-patient").count() == 2
    assert nurse_page.get_by_role("button", name="Agenda klaarmaken uit het register").count() == 0
    assert_accessible(nurse_page)
    nurse_page.context.close()
