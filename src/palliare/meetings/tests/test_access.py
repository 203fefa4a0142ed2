"""Who sees what of a meeting. Members of the core team (practice staff, the district nursing
organisation) and invited guests open the meeting; others get 404. On the agenda a patient is
named only when patients.access allows it (GP practice, or care team with consent); everyone
else sees "patient (no consent to share)", in the page and in the PDF alike, and cannot open
the patient's item. Every page that names patients writes the access log with their ids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palliare.audit.models import AuditEvent
from palliare.meetings import services
from palliare.meetings.models import AgendaItem
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(world):
    shared = PatientFactory(
        gp_practice=world.practice, given_name="Gedeeld", family_name="Gedeeldijk", urgency="red"
    )
    CareTeamMemberFactory(patient=shared, organization=world.nursing)
    ConsentFactory(patient=shared, scope=ConsentScope.CARE_TEAM)
    no_consent = PatientFactory(
        gp_practice=world.practice, given_name="Besloten", family_name="Beslotenhuis", urgency="red"
    )
    CareTeamMemberFactory(patient=no_consent, organization=world.nursing)
    not_in_care = PatientFactory(
        gp_practice=world.practice, given_name="Anders", family_name="Andersveld", urgency="orange"
    )
    meeting = services.plan_meeting(world.coordinator, world.team, starts_at=at(7))
    services.prepare_agenda(world.coordinator, meeting)
    return meeting, shared, no_consent, not_in_care


def _item(meeting, patient):
    return AgendaItem.objects.get(meeting=meeting, patient=patient)


@pytest.mark.parametrize("who", ["coordinator", "gp", "poh"])
def test_practice_sees_every_patient_by_name(world, prepared, client_for, who):
    meeting, shared, no_consent, not_in_care = prepared
    actor = getattr(world, who)
    response = client_for(actor).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for patient in (shared, no_consent, not_in_care):
        assert patient.family_name in html
    assert "hidden-note" not in html
    event = AuditEvent.objects.get(event_type="meetings.agenda_viewed", actor_user_id=actor.user.pk)
    assert (
        event.patient_ids
        == f",{','.join(str(i) for i in sorted([shared.pk, no_consent.pk, not_in_care.pk]))},"
    )


def test_district_nurse_sees_only_patients_shared_with_her(world, prepared, client_for):
    meeting, shared, no_consent, not_in_care = prepared
    client = client_for(world.nurse)
    response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gedeeldijk" in html
    assert "Beslotenhuis" not in html and "Andersveld" not in html
    assert html.count('data-testid="hidden-patient"') == 2
    assert 'data-testid="hidden-note"' in html
    # Nothing to manage for her.
    assert reverse("meetings:prepare", args=[meeting.pk]) not in html
    event = AuditEvent.objects.get(
        event_type="meetings.agenda_viewed", actor_user_id=world.nurse.user.pk
    )
    assert event.patient_ids == f",{shared.pk},"

    ok = client.get(reverse("meetings:item", args=[meeting.pk, _item(meeting, shared).pk]))
    assert ok.status_code == 200
    assert b"Save the minutes" not in ok.content and "Notulen opslaan" not in ok.content.decode()
    for hidden in (no_consent, not_in_care):
        url = reverse("meetings:item", args=[meeting.pk, _item(meeting, hidden).pk])
        assert client.get(url).status_code == 404
    assert (
        AuditEvent.objects.filter(
            event_type="patient.access_denied", actor_user_id=world.nurse.user.pk
        ).count()
        == 2
    )


def test_invited_guest_sees_the_meeting_not_the_patients(world, prepared, client_for):
    meeting, *_ = prepared
    url = reverse("meetings:detail", args=[meeting.pk])
    assert client_for(world.specialist).get(url).status_code == 404
    services.add_attendee(
        world.coordinator, meeting, professional=world.specialist.membership.professional
    )
    response = client_for(world.specialist).get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="hidden-patient"') == 3


@pytest.mark.parametrize("who", ["other_gp", "hap"])
def test_outsiders_get_nothing(world, prepared, client_for, who):
    meeting, shared, *_ = prepared
    client = client_for(getattr(world, who))
    for name in ("detail", "agenda_pdf", "minutes_pdf", "ics"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code in (403, 404)
    url = reverse("meetings:item", args=[meeting.pk, _item(meeting, shared).pk])
    assert client.get(url).status_code in (403, 404)
    assert client.get(reverse("meetings:list")).status_code in (200, 403)


def test_members_cannot_manage(world, prepared, client_for):
    meeting, shared, *_ = prepared
    client = client_for(world.nurse)
    assert client.post(reverse("meetings:prepare", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403
    # The coordinator of another practice holds the permission but not this core team.
    other = client_for(world.other_gp)
    assert other.post(reverse("meetings:prepare", args=[meeting.pk])).status_code == 404
    item = _item(meeting, shared)
    assert (
        other.post(reverse("meetings:agenda_remove", args=[meeting.pk, item.pk])).status_code == 404
    )
    assert not _item(meeting, shared).is_removed


def test_pdf_hides_patients_too(world, prepared, client_for):
    from io import BytesIO

    from pypdf import PdfReader

    meeting, *_ = prepared
    response = client_for(world.nurse).get(reverse("meetings:agenda_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Gedeeldijk" in text
    assert "Beslotenhuis" not in text and "Andersveld" not in text
    assert AuditEvent.objects.filter(
        event_type="meetings.agenda_exported", actor_user_id=world.nurse.user.pk
    ).exists()


def test_timeline_and_panel_respect_the_policy(world, prepared, client_for):
    meeting, shared, *_ = prepared
    response = client_for(world.nurse).get(reverse("patients:detail", args=[shared.pk]))
    assert response.status_code == 200
    assert reverse("meetings:item", args=[meeting.pk, _item(meeting, shared).pk]) in (
        response.content.decode()
    )
