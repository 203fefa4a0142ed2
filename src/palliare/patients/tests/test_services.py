"""Register services: registering with BSN checks and duplicates, consent, marking with the
lead practitioner and notifications, signals and their states, the one central contact,
caregivers, death registration — bad input changes nothing and gets a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients import services
from palliare.patients.constants import (
    CareTeamRole,
    ConsentGivenBy,
    ConsentScope,
    Dimension,
    PlaceOfDeath,
    SignalStatus,
    SignalSuggestion,
)
from palliare.patients.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    PatientFactory,
    marking_data,
)
from palliare.patients.models import CareTeamMember, Marking, Patient, Signal
from palliare.patients.validators import is_valid_bsn, make_bsn, validate_bsn

pytestmark = pytest.mark.django_db
TODAY = dt.date.today


def _data(practice, **over):
    data = {
        "bsn": make_bsn(55_000_000),
        "given_name": "Anna",
        "family_name_prefix": "de",
        "family_name": "Boer",
        "date_of_birth": dt.date(1940, 5, 1),
        "sex": "F",
        "street": "",
        "house_number": "",
        "postcode": "",
        "city": "",
        "phone": "",
        "gp_practice": practice,
    }
    data.update(over)
    return data


def test_bsn_eleven_test():
    assert is_valid_bsn("123456782")
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("000000000")
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        validate_bsn("123456789")
    with translation.override("nl"):
        assert "11-proef" in exc.value.messages[0]


def test_register_and_duplicate(gp, practice):
    patient = services.register_patient(gp, data=_data(practice))
    assert patient.revisions.count() == 1
    with pytest.raises(services.DuplicatePatientError):
        services.register_patient(gp, data=_data(practice, given_name="Other"))
    assert Patient.objects.count() == 1


def test_register_from_hospital_joins_care_team_with_consent(make_actor, practice):
    specialist = make_actor(RoleCode.MEDICAL_SPECIALIST, type=OrganizationType.HOSPITAL)
    patient = services.register_patient(
        specialist,
        data=_data(practice),
        consents=[ConsentScope.CARE_TEAM],
        care_team_role=CareTeamRole.MEDICAL_SPECIALIST,
    )
    assert patient.care_team.filter(organization=specialist.organization).exists()
    assert Patient.objects.visible_to(specialist).filter(pk=patient.pk).exists()


def test_update_detects_concurrent_edit(gp, practice):
    patient = services.register_patient(gp, data=_data(practice))
    services.update_patient(gp, patient, data={"phone": "0592 111 111"}, expected_version=1)
    with pytest.raises(services.ConflictError) as exc:
        services.update_patient(gp, patient, data={"city": "Assen"}, expected_version=1)
    assert exc.value.current_version == 2
    patient.refresh_from_db()
    assert patient.city == "" and patient.phone == "0592 111 111"
    assert patient.revisions.count() == 2


def test_consent_needs_representative_name_and_no_future(gp):
    patient = PatientFactory(gp_practice=gp.organization)
    with pytest.raises(ValidationError):
        services.record_consent(
            gp,
            patient,
            scope=ConsentScope.CARE_TEAM,
            given_on=TODAY(),
            given_by=ConsentGivenBy.LEGAL_REPRESENTATIVE,
        )
    with pytest.raises(ValidationError):
        services.record_consent(
            gp,
            patient,
            scope=ConsentScope.CARE_TEAM,
            given_on=TODAY() + dt.timedelta(1),
            given_by=ConsentGivenBy.PATIENT,
        )
    consent = services.record_consent(
        gp, patient, scope=ConsentScope.CARE_TEAM, given_on=TODAY(), given_by=ConsentGivenBy.PATIENT
    )
    with pytest.raises(ValidationError):  # already open
        services.record_consent(
            gp,
            patient,
            scope=ConsentScope.CARE_TEAM,
            given_on=TODAY(),
            given_by=ConsentGivenBy.PATIENT,
        )
    services.withdraw_consent(gp, consent, withdrawn_on=TODAY())
    assert not services.has_active_consent(patient, ConsentScope.CARE_TEAM)
    assert AuditEvent.objects.filter(event_type="consent.withdrawn").exists()


def _mark_data(**over):
    return marking_data(spict_general=["weight_loss"], spict_disease=["cancer"], **over)


def test_marking_makes_gp_lead_and_notifies(gp, make_actor):
    patient = PatientFactory(gp_practice=gp.organization)
    nurse_member = MembershipFactory(
        organization=OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    )
    CareTeamMemberFactory(
        patient=patient,
        organization=nurse_member.organization,
        professional=nurse_member.professional,
    )
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    marking = services.mark_patient(gp, patient, data=_mark_data())
    patient.refresh_from_db()
    assert patient.marked_since == marking.marked_on
    lead = patient.care_team.get(is_lead_practitioner=True)
    assert lead.organization_id == gp.organization_id
    assert Notification.objects.filter(
        recipient=nurse_member.professional.user, kind="patient.marked"
    ).exists()
    with pytest.raises(ValidationError):
        services.mark_patient(gp, patient, data=_mark_data())


def test_marking_in_future_or_by_nurse_is_refused(gp, make_actor):
    patient = PatientFactory(gp_practice=gp.organization)
    with pytest.raises(ValidationError):
        services.mark_patient(gp, patient, data=_mark_data(marked_on=TODAY() + dt.timedelta(1)))
    poh = make_actor(RoleCode.PRACTICE_NURSE, organization=gp.organization)
    with pytest.raises(PermissionDenied):
        services.mark_patient(poh, patient, data=_mark_data())
    assert not Marking.objects.exists()


def test_unmarking_needs_reason(gp):
    patient = PatientFactory(gp_practice=gp.organization)
    marking = services.mark_patient(gp, patient, data=_mark_data())
    with pytest.raises(ValidationError):
        services.unmark_patient(gp, marking, ended_on=TODAY(), reason=" ")
    services.unmark_patient(gp, marking, ended_on=TODAY(), reason="Herstel na behandeling")
    patient.refresh_from_db()
    assert patient.marked_since is None


def test_signal_needs_relationship_and_goes_through_states(gp, make_actor):
    patient = PatientFactory(gp_practice=gp.organization)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, type=OrganizationType.DISTRICT_NURSING)
    with pytest.raises(ValidationError) as exc:
        services.send_signal(
            nurse,
            patient,
            dimension=Dimension.PHYSICAL,
            observation="Pijn",
            suggestion=SignalSuggestion.CONSIDER_MARKING,
        )
    assert "care relationship" in str(exc.value) or "behandelrelatie" in str(exc.value)
    assert not Signal.objects.exists()
    CareTeamMemberFactory(patient=patient, organization=nurse.organization)
    signal = services.send_signal(
        nurse,
        patient,
        dimension=Dimension.PHYSICAL,
        observation="Pijn",
        suggestion=SignalSuggestion.CONSIDER_MARKING,
    )
    assert Notification.objects.filter(recipient=gp.user, kind="signal.received").exists()
    with pytest.raises(PermissionDenied):
        services.acknowledge_signal(nurse, signal)
    services.acknowledge_signal(gp, signal)
    with pytest.raises(ValidationError):
        services.acknowledge_signal(gp, signal)
    services.handle_signal(gp, signal, response="Gemarkeerd, ACP-gesprek gepland")
    signal.refresh_from_db()
    assert signal.status == SignalStatus.HANDLED
    assert Notification.objects.filter(recipient=nurse.user, kind="signal.handled").exists()


def test_one_central_contact(gp):
    patient = PatientFactory(gp_practice=gp.organization)
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    first = services.add_care_team_member(
        gp, patient, organization=nursing, role=CareTeamRole.DISTRICT_NURSE, central_contact=True
    )
    with pytest.raises(ValidationError):
        services.add_care_team_member(
            gp,
            patient,
            organization=gp.organization,
            role=CareTeamRole.PRACTICE_NURSE,
            central_contact=True,
        )
    second = services.add_care_team_member(
        gp, patient, organization=gp.organization, role=CareTeamRole.PRACTICE_NURSE
    )
    new = services.set_central_contact(gp, second)
    current = CareTeamMember.objects.current().filter(patient=patient)
    assert current.filter(is_central_contact=True).get().pk == new.pk
    first.refresh_from_db()
    assert first.ended_at is not None  # history kept: the old row ended
    assert CareTeamMember.objects.filter(patient=patient).count() == 4
    contacts = services.key_contacts(patient)
    assert contacts.central_contact is not None and contacts.central_contact.pk == new.pk


def test_key_contacts_are_the_current_central_contact_and_lead_practitioner():
    patient = PatientFactory()
    assert services.key_contacts(patient) == services.KeyContacts(None, None)
    CareTeamMemberFactory(patient=patient, is_central_contact=True, ended_at=timezone.now())
    CareTeamMemberFactory.create_batch(3, patient=patient)
    lead = CareTeamMemberFactory(patient=patient, role=CareTeamRole.GP, is_lead_practitioner=True)
    central = CareTeamMemberFactory(patient=patient, is_central_contact=True)
    CareTeamMemberFactory(patient=PatientFactory(), is_central_contact=True)
    contacts = services.key_contacts(patient)
    assert (contacts.central_contact, contacts.lead_practitioner) == (central, lead)
    both = PatientFactory()
    one = CareTeamMemberFactory(patient=both, is_central_contact=True, is_lead_practitioner=True)
    assert services.key_contacts(both) == services.KeyContacts(one, one)


def test_death_registration_versions_and_bad_dates(gp):
    patient = PatientFactory(gp_practice=gp.organization, date_of_birth=dt.date(1950, 1, 1))
    data = {
        "date_of_death": TODAY(),
        "place_of_death": PlaceOfDeath.HOME,
        "place_of_death_other": "",
        "expected": "yes",
        "preferred_place_known": "yes",
        "preferred_place": PlaceOfDeath.HOME,
        "preferred_place_achieved": "yes",
        "palliative_sedation": "no",
        "hospital_admissions_30d": 0,
        "emergency_visits_30d": 1,
        "had_care_plan": "yes",
        "note": "",
    }
    with pytest.raises(ValidationError):
        services.register_death(
            gp, patient, data={**data, "date_of_death": TODAY() + dt.timedelta(days=1)}
        )
    with pytest.raises(ValidationError):
        services.register_death(gp, patient, data={**data, "date_of_death": dt.date(1949, 1, 1)})
    first = services.register_death(gp, patient, data=data)
    second = services.register_death(
        gp,
        patient,
        data={**data, "place_of_death": PlaceOfDeath.HOSPICE, "preferred_place_achieved": "no"},
    )
    assert (first.version, second.version) == (1, 2)
    patient.refresh_from_db()
    assert patient.is_deceased


def test_burden_check_range(gp):
    patient = PatientFactory(gp_practice=gp.organization)
    caregiver = services.add_caregiver(
        gp, patient, name="Jan", relation="partner", phone="", lives_with_patient=True
    )
    with pytest.raises(ValidationError):
        services.record_burden_check(gp, caregiver, checked_on=TODAY(), score=11)
    check = services.record_burden_check(gp, caregiver, checked_on=TODAY(), score=8)
    assert check.is_overloaded


def test_writes_are_audited(gp):
    patient = PatientFactory(gp_practice=gp.organization)
    services.mark_patient(gp, patient, data=_mark_data())
    event = AuditEvent.objects.get(event_type="patient.marked")
    assert event.patient_id == patient.pk
    assert event.action == "C"
    assert timezone.now() - event.occurred_at < dt.timedelta(minutes=1)
