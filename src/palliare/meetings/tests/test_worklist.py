"""Action items land on their owner's start page until done, overdue ones highlighted; the
organisation's actions appear for its people when nobody is named; upcoming meetings are listed
for members. The patient page shows a meetings panel and the timeline the discussions and
actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from palliare.meetings import services
from palliare.meetings.factories import AgendaItemFactory, MeetingFactory
from palliare.patients import extensions
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world):
    patient = PatientFactory(gp_practice=world.practice, marked=True, family_name="Wervelhof")
    CareTeamMemberFactory(patient=patient, organization=world.nursing)
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    meeting = MeetingFactory(core_team=world.team, prepared=True, starts_at=at(-2))
    return AgendaItemFactory(meeting=meeting, patient=patient)


def _home(client):
    response = client.get(reverse("ui:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_action_on_owner_start_page_until_done(world, item, client_for):
    owner = world.nurse.membership.professional
    overdue = services.add_action_item(
        world.coordinator,
        item,
        description="Decubitus beoordelen",
        due_on=timezone.localdate() - dt.timedelta(days=1),
        owner=owner,
    )
    services.add_action_item(
        world.coordinator,
        item,
        description="Nachtzorg aanvragen",
        due_on=timezone.localdate() + dt.timedelta(days=5),
        owner=owner,
    )
    client = client_for(world.nurse)
    html = _home(client)
    assert 'data-section="meeting_actions"' in html
    assert "Decubitus beoordelen" in html and "Nachtzorg aanvragen" in html
    assert "Wervelhof" in html  # she may see the patient
    assert html.count("action--overdue") == 1
    client.post(reverse("meetings:action_done", args=[overdue.pk]), {"next": "/"})
    html = _home(client)
    assert "Decubitus beoordelen" not in html and "Nachtzorg aanvragen" in html
    # Not on the coordinator's page: it is not hers.
    assert "Nachtzorg aanvragen" not in _home(client_for(world.coordinator))


def test_patient_name_follows_consent_on_the_worklist(world, item, client_for):
    services.add_action_item(
        world.coordinator,
        item,
        description="Bezoek plannen",
        due_on=timezone.localdate(),
        owner=world.nurse.membership.professional,
    )
    consent = item.patient.consents.get()
    patient_services.withdraw_consent(world.gp, consent, withdrawn_on=timezone.localdate())
    html = _home(client_for(world.nurse))
    assert "Bezoek plannen" in html and "Wervelhof" not in html


def test_organisation_actions_for_its_people(world, item, client_for):
    services.add_action_item(
        world.coordinator,
        item,
        description="Nachtdienst inplannen",
        due_on=timezone.localdate(),
        owner_organization=world.nursing,
    )
    assert "Nachtdienst inplannen" in _home(client_for(world.nurse))


def test_upcoming_meetings_on_the_start_page(world, client_for):
    services.plan_meeting(world.coordinator, world.team, starts_at=at(3))
    services.plan_meeting(world.coordinator, world.team, starts_at=at(60))
    html = _home(client_for(world.coordinator))
    assert 'data-section="meetings_upcoming"' in html
    assert html.count("meetings/") >= 1
    nurse_html = _home(client_for(world.nurse))
    assert 'data-section="meetings_upcoming"' in nurse_html
    assert 'data-section="meetings_upcoming"' not in _home(client_for(world.other_gp))


def test_patient_panel_and_timeline(world, item, client_for):
    services.save_minutes(
        world.coordinator, item, data={"decisions": "Hospice bespreken"}, expected_version=0
    )
    action = services.add_action_item(
        world.coordinator,
        item,
        description="Hospice bellen",
        due_on=timezone.localdate(),
        owner=world.poh.membership.professional,
    )
    services.complete_action_item(world.poh, action)
    entries = extensions.timeline_for(world.gp, item.patient)
    titles = [str(e.title) for e in entries if e.kind == "meeting"]
    assert any("Hospice bellen" in t for t in titles)
    assert any(e.detail == "Hospice bespreken" for e in entries if e.kind == "meeting")
    assert len([t for t in titles if "Hospice bellen" in t]) == 2  # agreed, done
    page = client_for(world.gp).get(reverse("patients:detail", args=[item.patient.pk]))
    assert 'id="meetings"' in page.content.decode()
    timeline = client_for(world.gp).get(reverse("patients:timeline", args=[item.patient.pk]))
    assert "Hospice bellen" in timeline.content.decode()
