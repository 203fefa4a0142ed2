"""Who of the care team hears about a patient (marking, death, a new care-plan version): the
active users of the named professionals in the current care team who, today, work at the
member's organisation in a role that lets them see the patient (and, when asked, holds a
further permission). A former member, a deactivated account, an ended membership or a role
without the permission receives nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palliare.accounts.factories import role
from palliare.accounts.models import RolePermission
from palliare.accounts.permissions import Permission, RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory
from palliare.patients.services.common import care_team_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practice):
    patient = PatientFactory(gp_practice=practice, marked=True)
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    return patient


@pytest.fixture
def nurse(patient):
    """A district nurse named in the patient's care team, working at the member organisation."""
    membership = MembershipFactory(
        organization=OrganizationFactory(type=OrganizationType.DISTRICT_NURSING),
        role=role(RoleCode.DISTRICT_NURSE),
        valid_from=timezone.localdate() - dt.timedelta(days=100),
    )
    CareTeamMemberFactory(
        patient=patient,
        organization=membership.organization,
        professional=membership.professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    return membership


def test_named_member_who_may_see_the_patient_is_a_recipient(patient, nurse):
    assert care_team_users(patient) == [nurse.professional.user]


def test_former_member_is_not_a_recipient(patient, nurse):
    patient.care_team.update(ended_at=timezone.now())
    assert care_team_users(patient) == []


def test_deactivated_account_is_not_a_recipient(patient, nurse):
    user = nurse.professional.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert care_team_users(patient) == []


def test_member_who_no_longer_works_at_the_member_organisation_is_not_a_recipient(patient, nurse):
    nurse.valid_until = timezone.localdate() - dt.timedelta(days=1)
    nurse.save(update_fields=["valid_until"])
    # Working elsewhere now does not make them a member for this patient.
    MembershipFactory(professional=nurse.professional, role=role(RoleCode.DISTRICT_NURSE))
    assert care_team_users(patient) == []


def test_member_whose_role_may_not_see_patients_is_not_a_recipient(patient, nurse):
    RolePermission.objects.filter(
        role=nurse.role, permission=Permission.VIEW_PATIENT.value
    ).delete()
    assert care_team_users(patient) == []


def test_member_without_the_asked_permission_is_not_a_recipient(patient, nurse):
    RolePermission.objects.filter(
        role=nurse.role, permission=Permission.VIEW_CARE_PLAN.value
    ).delete()
    assert care_team_users(patient) == [nurse.professional.user]
    assert care_team_users(patient, Permission.VIEW_CARE_PLAN) == []
