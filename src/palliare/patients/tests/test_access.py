"""Who can see a patient: the treating GP practice always; care-team organisations only with
consent to share, which takes effect and ends immediately; acute-care and network roles never
through the register. Every read is in the access log, with the legal ground; forbidden and
missing patients look the same (404)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients import services
from palliare.patients.access import visible_ids
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory
from palliare.patients.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_actor):
    practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    other_practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE)
    patient = PatientFactory(gp_practice=practice, marked=True)
    CareTeamMemberFactory(patient=patient, organization=nursing)
    return {
        "patient": patient,
        "practice": practice,
        "nursing": nursing,
        "gp": make_actor(RoleCode.GP, organization=practice),
        "poh": make_actor(RoleCode.PRACTICE_NURSE, organization=practice),
        "coordinator": make_actor(RoleCode.CORE_TEAM_COORDINATOR, organization=practice),
        "nurse": make_actor(RoleCode.DISTRICT_NURSE, organization=nursing),
        "other_gp": make_actor(RoleCode.GP, organization=other_practice),
        "hap": make_actor(RoleCode.OUT_OF_HOURS_GP),
        "network": make_actor(RoleCode.NETWORK_COORDINATOR),
        "privacy": make_actor(RoleCode.PRIVACY_OFFICER),
    }


def _visible(actor, patient) -> bool:
    return Patient.objects.visible_to(actor).filter(pk=patient.pk).exists()


@pytest.mark.parametrize("role", ["gp", "poh", "coordinator"])
def test_gp_practice_sees_its_patients(world, role, client_for):
    actor, patient = world[role], world["patient"]
    assert _visible(actor, patient)
    response = client_for(actor).get(reverse("patients:detail", args=[patient.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(
        event_type="patient.read", patient_id=patient.pk, actor_user_id=actor.user.pk
    ).get()
    assert event.purpose == "treatment"
    assert event.role == actor.role_code
    assert event.organization_id == actor.organization_id


def test_care_team_needs_consent(world, client_for):
    nurse, patient = world["nurse"], world["patient"]
    client = client_for(nurse)
    url = reverse("patients:detail", args=[patient.pk])
    assert not _visible(nurse, patient)
    assert client.get(url).status_code == 404
    denied = AuditEvent.objects.get(event_type="patient.access_denied", patient_id=patient.pk)
    assert denied.outcome == "denied"

    consent = ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    assert _visible(nurse, patient)
    assert client.get(url).status_code == 200
    assert (
        AuditEvent.objects.get(event_type="patient.read", actor_user_id=nurse.user.pk).purpose
        == "consent"
    )

    services.withdraw_consent(world["gp"], consent, withdrawn_on=timezone.localdate())
    assert not _visible(nurse, patient)
    assert client.get(url).status_code == 404


def test_other_consent_scopes_do_not_open_the_care_team(world):
    ConsentFactory(patient=world["patient"], scope=ConsentScope.ACUTE_CARE)
    assert not _visible(world["nurse"], world["patient"])


def test_ended_care_team_membership_ends_access(world):
    ConsentFactory(patient=world["patient"], scope=ConsentScope.CARE_TEAM)
    member = world["patient"].care_team.get(organization=world["nursing"])
    member.ended_at = timezone.now()
    member.save()
    assert not _visible(world["nurse"], world["patient"])


@pytest.mark.parametrize("role", ["other_gp", "hap", "network", "privacy"])
def test_roles_without_relationship_see_nothing(world, role, client_for):
    ConsentFactory(patient=world["patient"], scope=ConsentScope.CARE_TEAM)
    ConsentFactory(patient=world["patient"], scope=ConsentScope.ACUTE_CARE)
    actor = world[role]
    assert not _visible(actor, world["patient"])
    response = client_for(actor).get(reverse("patients:detail", args=[world["patient"].pk]))
    assert response.status_code in (403, 404)


def test_missing_and_forbidden_look_the_same(world, client_for):
    client = client_for(world["other_gp"])
    forbidden = client.get(reverse("patients:detail", args=[world["patient"].pk]))
    missing = client.get(reverse("patients:detail", args=[999999]))
    assert forbidden.status_code == missing.status_code == 404


def test_unknown_role_has_no_visibility(make_actor):
    from palliare.accounts.models import Role

    Role.objects.create(code="custom", name="Eigen")
    assert visible_ids(make_actor("custom")) is None


def test_register_list_is_logged_with_patient_ids(world, client_for):
    client_for(world["gp"]).get(reverse("patients:register"))
    event = AuditEvent.objects.get(event_type="patients.register_viewed")
    assert f",{world['patient'].pk}," in event.patient_ids
    assert AuditEvent.objects.for_patient(world["patient"].pk).filter(pk=event.pk).exists()


def test_every_patient_page_is_audited(world, client_for):
    """Each page that shows the patient writes a read event for that patient."""
    client = client_for(world["gp"])
    patient = world["patient"]
    before = AuditEvent.objects.for_patient(patient.pk).count()
    pages = [
        "detail",
        "timeline",
        "edit",
        "consent",
        "urgency",
        "care_team_add",
        "caregiver_add",
        "volunteers",
        "death",
        "unmark",
        "screening",
    ]
    for name in pages:
        assert client.get(reverse(f"patients:{name}", args=[patient.pk])).status_code == 200
    assert AuditEvent.objects.for_patient(patient.pk).count() == before + len(pages)
