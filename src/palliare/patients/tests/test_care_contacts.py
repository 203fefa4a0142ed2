"""Care contacts through their service: a contact without a patient is readable by people of
the sending organisation who may view patients, by nobody else (404, logged as denied); a
contact with a patient needs the patient access policy; recording one needs the permission to
record care agreements and, for another organisation's contact, is refused; bad input is a
ValidationError naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.factories import PatientFactory
from palliare.patients.services.contacts import (
    ContactData,
    care_contact_for,
    record_care_contact,
)

pytestmark = pytest.mark.django_db

STAY = ContactData(
    contact_class="IMP",
    status="finished",
    start_date=dt.date(2024, 3, 1),
    end_date=dt.date(2024, 3, 4),
    admit_source=("264362003", "Thuis"),
)


@pytest.fixture
def hospital():
    return OrganizationFactory(type=OrganizationType.HOSPITAL)


def test_without_patient_only_the_senders_people_read_it(make_actor, hospital):
    specialist = make_actor(RoleCode.MEDICAL_SPECIALIST, organization=hospital)
    contact = record_care_contact(specialist, patient=None, data=STAY)
    colleague = make_actor(RoleCode.HOSPITAL_NURSE, organization=hospital)
    assert care_contact_for(colleague, contact.pk, event="contact.read") == contact
    stranger = make_actor(RoleCode.MEDICAL_SPECIALIST, organization=OrganizationFactory())
    with pytest.raises(Http404):
        care_contact_for(stranger, contact.pk, event="contact.read")
    assert AuditEvent.objects.filter(
        event_type="patients.care_contact_access_denied", outcome="denied"
    ).exists()
    with pytest.raises(PermissionDenied):
        record_care_contact(stranger, patient=None, data=STAY, contact=contact)


def test_with_patient_the_access_policy_decides(make_actor, hospital):
    gp_practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = make_actor(RoleCode.GP, organization=gp_practice)
    patient = PatientFactory(gp_practice=gp_practice, marked=True)
    contact = record_care_contact(gp, patient=patient, data=STAY)
    assert care_contact_for(gp, contact.pk, event="contact.read") == contact
    specialist = make_actor(RoleCode.MEDICAL_SPECIALIST, organization=hospital)
    with pytest.raises(Http404):
        care_contact_for(specialist, contact.pk, event="contact.read")
    with pytest.raises(PermissionDenied):
        record_care_contact(specialist, patient=patient, data=STAY)


def test_bad_input_names_the_field(make_actor, hospital):
    specialist = make_actor(RoleCode.MEDICAL_SPECIALIST, organization=hospital)
    bad = ContactData(
        contact_class="XYZ",
        status="done",
        start_date=dt.date(2024, 3, 4),
        end_date=dt.date(2024, 3, 1),
        discharge_disposition=("home", ""),
    )
    with pytest.raises(ValidationError) as caught:
        record_care_contact(specialist, patient=None, data=bad)
    assert set(caught.value.message_dict) == {
        "contact_class",
        "status",
        "end_date",
        "discharge_disposition",
    }


def test_changing_a_patients_contact_needs_the_patient_and_access(make_actor):
    """A change that leaves the patient out is refused with a clear message (the contact is not
    silently detached or kept); naming the patient, the access policy decides: a sender that
    lost its relationship cannot change it."""
    gp_practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = make_actor(RoleCode.GP, organization=gp_practice)
    patient = PatientFactory(gp_practice=gp_practice, marked=True)
    contact = record_care_contact(gp, patient=patient, data=STAY)
    changed = ContactData(**{**STAY.__dict__, "status": "cancelled"})
    with pytest.raises(ValidationError, match="noem de patiënt"):
        record_care_contact(gp, patient=None, data=changed, contact=contact)
    patient.gp_practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    patient.save()
    with pytest.raises(PermissionDenied):
        record_care_contact(gp, patient=patient, data=changed, contact=contact)
    contact.refresh_from_db()
    assert contact.current_number == 1


def test_a_patients_contacts_are_on_the_timeline_and_the_patient_page(
    make_actor, hospital, client_for
):
    """The timeline lists a patient's care contacts on the day they began (their latest
    version), not contacts entered in error or contacts of other patients."""
    import dataclasses

    from django.urls import reverse

    from palliare.patients.extensions import timeline_for

    gp_practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    gp = make_actor(RoleCode.GP, organization=gp_practice)
    patient = PatientFactory(gp_practice=gp_practice, marked=True)
    stay = record_care_contact(gp, patient=patient, data=STAY)
    record_care_contact(
        gp,
        patient=patient,
        data=dataclasses.replace(
            STAY, end_date=dt.date(2024, 3, 6), location_organization=hospital
        ),
        contact=stay,
    )
    wrong = record_care_contact(
        gp, patient=patient, data=dataclasses.replace(STAY, start_date=None)
    )
    record_care_contact(
        gp,
        patient=patient,
        data=dataclasses.replace(STAY, status="entered-in-error", start_date=None),
        contact=wrong,
    )
    record_care_contact(gp, patient=PatientFactory(gp_practice=gp_practice, marked=True), data=STAY)

    entries = [e for e in timeline_for(gp, patient) if e.kind == "care_contact"]
    assert len(entries) == 1
    (entry,) = entries
    assert entry.when == dt.date(2024, 3, 1)
    assert str(entry.title) == "Klinische opname"
    assert entry.detail == f"1-3-2024 – 6-3-2024 · {hospital.name} · afgerond"
    assert entry.by == gp_practice.name
    assert [e.kind for e in timeline_for(gp, patient, limit=50)].count("care_contact") == 1
    page = client_for(gp).get(reverse("patients:timeline", args=[patient.pk]))
    assert "6-3-2024" in page.content.decode()
