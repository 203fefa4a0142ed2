"""Issue 18 item 14, the smaller findings, one test each: a plan contact who is the first
contact person is not called that twice; phone numbers in the printed plan do not wrap; a
referral to a hospice whose facility carries the organisation's name names it once, and the
signal form does not say "huisartsenpraktijk Huisartsenpraktijk …"; "Wat stelt u voor?" starts
unchosen and does not offer marking for a patient already marked; a past meeting still
"planned" asks to be recorded as held or cancelled; a start-page badge that counts more than its
section lists says how many are shown; a deceased patient's age is the age at death, said as
such; the "no shared plan" advice names the out-of-hours GP post and the consultation team on
call when the practice is closed; the log-out button is in the header on every page. (The card
layout, the 100-character name and the mobile header are checked in a real browser:
tests/browser/test_small_fixes_layout.py.)"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.acute import after_hours
from palliare.capacity.factories import FacilityFactory
from palliare.careplans import printing
from palliare.careplans.factories import CarePlanFactory
from palliare.meetings.factories import MeetingFactory
from palliare.notifications.factories import NotificationFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory
from palliare.referrals import services as referrals

pytestmark = pytest.mark.django_db

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def test_first_contact_person_is_named_once_on_the_plan(gp, practice, client_for):
    patient = PatientFactory(gp_practice=practice, marked=True)
    CarePlanFactory(patient=patient)  # Jan Testpersoon: role "first contact", and ticked as such
    page = client_for(gp).get(reverse("careplans:plan", args=[patient.pk])).content.decode()
    line = re.search(r"<strong>Jan Testpersoon</strong>[^\n]*", page)
    assert line is not None
    assert line.group(0).count("eerste contactpersoon") == 1, line.group(0)


def test_phone_numbers_in_the_printed_plan_do_not_wrap(gp, practice, monkeypatch):
    patient = PatientFactory(gp_practice=practice, marked=True, gp_practice__phone="0592 123456")
    plan = CarePlanFactory(patient=patient)
    captured: dict[str, str] = {}

    class FakeHTML:
        def __init__(self, string: str) -> None:
            captured["html"] = string

        def write_pdf(self) -> bytes:
            return b"%PDF-"

    monkeypatch.setattr("weasyprint.HTML", FakeHTML)
    printing.render_plan_pdf(patient, plan, plan.current_version, acute_url="https://x/")
    html = captured["html"]
    assert "white-space: nowrap" in html
    for phone in ("06 12345678", practice.phone):
        if phone:
            assert re.search(r'class="nowrap">' + re.escape(phone), html), phone


def test_referral_to_a_hospice_named_like_its_facility_names_it_once(make_actor, client_for):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    hospice = OrganizationFactory(type=OrganizationType.HOSPICE, name="Hospice De Zandloper")
    facility = FacilityFactory(organization=hospice, name="")
    gp = make_actor(RoleCode.GP, organization=practice)
    patient = PatientFactory(gp_practice=practice, marked=True)
    ConsentFactory(patient=patient, scope=ConsentScope.REFERRAL)
    referral = referrals.send_referral(
        gp,
        patient,
        receiving_organization=hospice,
        facility=facility,
        urgency="this_week",
        question="Thuis niet meer vol te houden.",
    )
    assert referral.destination == "Hospice De Zandloper"
    client = client_for(gp)
    for url in (reverse("referrals:detail", args=[referral.pk]), reverse("referrals:sent")):
        page = client.get(url).content.decode()
        assert "Hospice De Zandloper · Hospice De Zandloper" not in page, url


def test_signal_form_names_the_practice_once(make_actor, client_for):
    practice = OrganizationFactory(
        type=OrganizationType.GP_PRACTICE, name="Huisartsenpraktijk De Lindehoeve"
    )
    patient = PatientFactory(gp_practice=practice)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING)
    CareTeamMemberFactory(
        patient=patient,
        organization=nurse.organization,
        professional=nurse.membership.professional,
    )
    page = client_for(nurse).get(reverse("patients:signal_send", args=[patient.pk]))
    html = page.content.decode()
    assert "Huisartsenpraktijk De Lindehoeve" in html
    assert "huisartsenpraktijk Huisartsenpraktijk" not in html


@pytest.mark.parametrize("marked", [False, True])
def test_signal_suggestion_starts_unchosen_and_hides_marking_when_marked(marked):
    from palliare.patients.forms import SignalForm

    patient = PatientFactory(marked=marked)
    form = SignalForm(patient=patient)
    values = [value for value, _label in form.fields["suggestion"].choices]
    assert values[0] == ""  # nothing pre-selected
    assert ("consider_marking" in values) is not marked
    html = str(form["suggestion"])
    assert "selected" not in html.replace('value="" selected', "")


def test_a_past_planned_meeting_asks_for_its_outcome(make_actor, client_for):
    coordinator = make_actor(RoleCode.CORE_TEAM_COORDINATOR, type=OrganizationType.GP_PRACTICE)
    past = MeetingFactory(
        core_team__practice=coordinator.organization,
        starts_at=timezone.now() - dt.timedelta(days=3),
    )
    future = MeetingFactory(core_team=past.core_team)
    assert past.needs_outcome and not future.needs_outcome
    client = client_for(coordinator)
    page = client.get(reverse("meetings:detail", args=[past.pk])).content.decode()
    assert 'data-testid="record-outcome"' in page
    assert 'data-testid="needs-outcome"' in page
    page = client.get(reverse("meetings:detail", args=[future.pk])).content.decode()
    assert 'data-testid="record-outcome"' not in page


def test_a_badge_counting_more_than_the_list_says_how_many_are_shown(gp, client_for):
    for i in range(11):
        NotificationFactory(recipient=gp.user, title=f"Bericht {i}")
    page = client_for(gp).get(reverse("ui:home")).content.decode()
    section = page[page.index('data-section="notifications"') :]
    section = section[: section.index("</section>")]
    assert ">11</span>" in section
    assert "8 van 11 getoond" in section
    assert section.count('href="/notifications/') >= 8


def test_a_deceased_patients_age_is_the_age_at_death(gp, practice, client_for):
    patient = PatientFactory(
        gp_practice=practice,
        marked=True,
        date_of_birth=dt.date(1940, 1, 1),
        date_of_death=dt.date(2020, 6, 1),
    )
    assert patient.age == 80
    page = client_for(gp).get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "80 jaar bij overlijden" in page
    living = PatientFactory(gp_practice=practice, date_of_birth=dt.date(1940, 1, 1))
    assert "bij overlijden" not in living.age_text


def test_practice_hours_and_who_to_call_when_closed():
    post = OrganizationFactory(
        type=OrganizationType.OUT_OF_HOURS_GP_POST, name="Huisartsenpost Test", phone="0900 1234"
    )
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, subregion=post.subregion)
    tuesday_morning = dt.datetime(2026, 12, 8, 10, 0, tzinfo=AMS)
    saturday_night = dt.datetime(2026, 12, 12, 3, 0, tzinfo=AMS)
    christmas = dt.datetime(2026, 12, 25, 10, 0, tzinfo=AMS)
    tuesday_night = dt.datetime(2026, 12, 8, 23, 0, tzinfo=AMS)
    assert after_hours.instead_of_practice(practice, tuesday_morning) is None
    for moment in (saturday_night, christmas, tuesday_night):
        on_call = after_hours.instead_of_practice(practice, moment)
        assert on_call is not None and on_call.post == post, moment


def test_no_shared_plan_at_night_points_to_the_post_not_the_practice(
    make_actor, client_for, monkeypatch
):
    post = OrganizationFactory(
        type=OrganizationType.OUT_OF_HOURS_GP_POST, name="Huisartsenpost Test", phone="0900 1234"
    )
    practice = OrganizationFactory(
        type=OrganizationType.GP_PRACTICE, subregion=post.subregion, phone="0592 111111"
    )
    patient = PatientFactory(gp_practice=practice, marked=True)
    hap = make_actor(RoleCode.OUT_OF_HOURS_GP, organization=post)
    monkeypatch.setattr(after_hours, "practice_open", lambda moment: False)  # at night
    client = client_for(hap)
    found = client.post(reverse("acute:search"), {"bsn": patient.bsn})
    page = client.get(found["Location"]).content.decode()
    assert 'data-testid="no-shared-plan"' in page
    assert 'data-testid="practice-closed"' in page
    assert "Huisartsenpost Test" in page and "0900 1234" in page
    assert "0592 111111" not in page  # the closed practice's number is not offered
    monkeypatch.setattr(after_hours, "practice_open", lambda moment: True)  # office hours
    page = client.get(found["Location"]).content.decode()
    assert 'data-testid="practice-closed"' not in page
    assert "0592 111111" in page


def test_log_out_is_a_visible_button_in_the_header(gp, client_for):
    client = client_for(gp)
    for url in (reverse("ui:home"), reverse("notifications:list")):
        html = client.get(url).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        details = header[header.index("<details") : header.index("</details>")]
        assert 'data-testid="logout"' in header
        assert 'data-testid="logout"' not in details  # not hidden in the closed menu
