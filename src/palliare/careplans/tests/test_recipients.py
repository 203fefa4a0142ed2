"""A new version of the care plan is announced to the care team's users who may read the plan:
a member whose role does not hold the care-plan view permission, or who no longer works at the
member organisation, is not told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palliare.accounts.factories import role
from palliare.accounts.models import RolePermission
from palliare.accounts.permissions import Permission, RoleCode
from palliare.careplans import recipients
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import MembershipFactory, OrganizationFactory
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practice):
    patient = PatientFactory(gp_practice=practice, marked=True)
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    return patient


@pytest.fixture
def nurse(patient):
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


def test_care_team_member_who_may_read_plans_is_told(patient, nurse):
    assert nurse.professional.user in recipients.care_team(patient)


def test_care_team_member_whose_role_may_not_read_plans_is_not_told(patient, nurse):
    RolePermission.objects.filter(
        role=nurse.role, permission=Permission.VIEW_CARE_PLAN.value
    ).delete()
    assert nurse.professional.user not in recipients.care_team(patient)


def test_care_team_member_whose_membership_ended_is_not_told(patient, nurse):
    nurse.valid_until = timezone.localdate() - dt.timedelta(days=1)
    nurse.save(update_fields=["valid_until"])
    assert nurse.professional.user not in recipients.care_team(patient)
