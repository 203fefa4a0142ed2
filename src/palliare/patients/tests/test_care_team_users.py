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
from palliare.organizations.factories import MembershipFactory
from palliare.patients.services.common import care_team_users

pytestmark = pytest.mark.django_db


def test_named_member_who_may_see_the_patient_is_a_recipient(care_team_patient, care_team_nurse):
    assert care_team_users(care_team_patient) == [care_team_nurse.professional.user]


def test_former_member_is_not_a_recipient(care_team_patient, care_team_nurse):
    care_team_patient.care_team.update(ended_at=timezone.now())
    assert care_team_users(care_team_patient) == []


def test_deactivated_account_is_not_a_recipient(care_team_patient, care_team_nurse):
    user = care_team_nurse.professional.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert care_team_users(care_team_patient) == []


def test_member_who_no_longer_works_at_the_member_organisation_is_not_a_recipient(
    care_team_patient, care_team_nurse
):
    care_team_nurse.valid_until = timezone.localdate() - dt.timedelta(days=1)
    care_team_nurse.save(update_fields=["valid_until"])
    # Working elsewhere now does not make them a member for this care_team_patient.
    MembershipFactory(professional=care_team_nurse.professional, role=role(RoleCode.DISTRICT_NURSE))
    assert care_team_users(care_team_patient) == []


def test_member_whose_role_may_not_see_patients_is_not_a_recipient(
    care_team_patient, care_team_nurse
):
    RolePermission.objects.filter(
        role=care_team_nurse.role, permission=Permission.VIEW_PATIENT.value
    ).delete()
    assert care_team_users(care_team_patient) == []


def test_member_without_the_asked_permission_is_not_a_recipient(care_team_patient, care_team_nurse):
    RolePermission.objects.filter(
        role=care_team_nurse.role, permission=Permission.VIEW_CARE_PLAN.value
    ).delete()
    assert care_team_users(care_team_patient) == [care_team_nurse.professional.user]
    assert care_team_users(care_team_patient, Permission.VIEW_CARE_PLAN) == []
