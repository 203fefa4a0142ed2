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
