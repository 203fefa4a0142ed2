"""Regression tests for the access review: notifications and start-page sections never leak
patient identity to people outside the access policy; registering needs consent rights to record
consent; only the treating practice transfers a patient; probing a BSN is logged; list events
carry the right legal ground; synthetic data only in demo mode."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients import services
from palliare.patients.access import record_list_view
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    PatientFactory,
    marking_data,
)

pytestmark = pytest.mark.django_db


def _mark(gp, patient):
    return services.mark_patient(gp, patient, data=marking_data())


def test_marking_notifies_outside_members_only_with_consent(gp, practice):
    patient = PatientFactory(gp_practice=practice)
    nurse = MembershipFactory(
        organization=OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    )
    CareTeamMemberFactory(
        patient=patient, organization=nurse.organization, professional=nurse.professional
    )
    _mark(gp, patient)
    assert not Notification.objects.filter(recipient=nurse.professional.user).exists()
    other = PatientFactory(gp_practice=practice)
    CareTeamMemberFactory(
        patient=other, organization=nurse.organization, professional=nurse.professional
    )
    ConsentFactory(patient=other, scope=ConsentScope.CARE_TEAM)
    _mark(gp, other)
    note = Notification.objects.get(recipient=nurse.professional.user)
    assert other.family_name not in note.title
    assert other.given_name not in note.title


def test_notification_list_names_only_visible_patients_and_logs(
    gp, practice, client_for, make_actor
):
    patient = PatientFactory(gp_practice=practice, family_name="Zichtbaar")
    hidden = PatientFactory(family_name="Verborgen")
    for p in (patient, hidden):
        Notification.objects.create(
            recipient=gp.user, kind="x", title="Iets gebeurd", patient_id=p.pk
        )
    html = client_for(gp).get(reverse("notifications:list")).content.decode()
    assert "Zichtbaar" in html
    assert "Verborgen" not in html
    event = AuditEvent.objects.get(event_type="notifications.patients_shown")
    assert event.patient_ids == f",{patient.pk},"


def test_start_page_sections_log_the_patients_they_show(gp, practice, client_for):
    patient = PatientFactory(gp_practice=practice)
    patient.signals.create(
        recipient=practice,
        dimension="physical",
        observation="x",
        suggestion="other",
        sender=gp.user,
        sender_name="x",
        sender_organization=practice,
    )
    client_for(gp).get(reverse("ui:home"))
    events = AuditEvent.objects.filter(event_type="patients.worklist_viewed")
    assert any(f",{patient.pk}," in e.patient_ids for e in events)


def test_registering_with_consent_needs_consent_rights(make_actor, practice, client_for):
    from palliare.accounts.actors import actor_for

    specialist = make_actor(RoleCode.HOSPITAL_NURSE, type=OrganizationType.HOSPITAL)
    specialist.membership.role.permissions.create(permission="patients.register")
    specialist = actor_for(specialist.user, specialist.membership.pk)
    data = {
        "bsn": "123456782",
        "given_name": "Anna",
        "family_name_prefix": "",
        "family_name": "Boer",
        "date_of_birth": dt.date(1940, 1, 1),
        "sex": "F",
        "street": "",
        "house_number": "",
        "postcode": "",
        "city": "",
        "phone": "",
        "gp_practice": practice,
    }
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.register_patient(specialist, data=data, consents=[ConsentScope.CARE_TEAM])
    html = client_for(specialist).get(reverse("patients:create")).content.decode()
    assert 'name="consents"' not in html


def test_only_the_treating_practice_transfers_a_patient(gp, practice, make_actor):
    patient = PatientFactory(gp_practice=practice)
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    specialist = make_actor(RoleCode.MEDICAL_SPECIALIST, type=OrganizationType.HOSPITAL)
    CareTeamMemberFactory(patient=patient, organization=specialist.organization)
    elsewhere = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    with pytest.raises(ValidationError):
        services.update_patient(
            specialist, patient, data={"gp_practice": elsewhere}, expected_version=1
        )
    with pytest.raises(ValidationError):
        services.update_patient(
            gp,
            patient,
            data={"gp_practice": OrganizationFactory(type=OrganizationType.HOSPICE)},
            expected_version=1,
        )
    moved = services.update_patient(
        gp, patient, data={"gp_practice": elsewhere}, expected_version=1
    )
    assert moved.gp_practice == elsewhere


def test_probing_a_registered_bsn_is_logged(make_actor, client_for):
    patient = PatientFactory(bsn="123456782")
    other_gp = make_actor(RoleCode.GP, type=OrganizationType.GP_PRACTICE)
    client_for(other_gp).post(
        reverse("patients:create"),
        {
            "bsn": "123456782",
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1940-01-01",
            "sex": "F",
            "gp_practice": other_gp.organization_id,
        },
    )
    event = AuditEvent.objects.get(event_type="patient.duplicate_registration")
    assert event.patient_id == patient.pk
    assert event.outcome == "denied"


def test_list_events_carry_the_legal_ground(gp, practice, make_actor):
    own = PatientFactory(gp_practice=practice)
    shared = PatientFactory()
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=nursing)
    CareTeamMemberFactory(patient=shared, organization=nursing)
    ConsentFactory(patient=shared, scope=ConsentScope.CARE_TEAM)
    record_list_view(gp, "test.list", [own])
    record_list_view(nurse, "test.list", [shared])
    purposes = dict(
        AuditEvent.objects.filter(event_type="test.list").values_list("patient_ids", "purpose")
    )
    assert purposes[f",{own.pk},"] == "treatment"
    assert purposes[f",{shared.pk},"] == "consent"


def test_patient_reached_without_relationship_is_not_logged_as_treatment(make_actor):
    """A list that shows a patient only because the organisation sent a signal about them
    (no treating practice, no consent) records that ground, not 'treatment'."""
    patient = PatientFactory()
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=nursing)
    CareTeamMemberFactory(patient=patient, organization=nursing)  # no consent to share
    record_list_view(nurse, "test.own_signals", [patient])
    event = AuditEvent.objects.get(event_type="test.own_signals")
    assert event.purpose == "own_record"


def test_synthetic_data_only_in_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo"):
        call_command("generate_synthetic", patients=5)
