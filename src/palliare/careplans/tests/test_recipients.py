"""A new version of the care plan is announced to the care team's users who may read the plan:
a member whose role does not hold the care-plan view permission, or who no longer works at the
member organisation, is not told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palliare.accounts.models import RolePermission
from palliare.accounts.permissions import Permission
from palliare.careplans import recipients

pytestmark = pytest.mark.django_db


def test_care_team_member_who_may_read_plans_is_told(care_team_patient, care_team_nurse):
    assert care_team_nurse.professional.user in recipients.care_team(care_team_patient)


def test_care_team_member_whose_role_may_not_read_plans_is_not_told(
    care_team_patient, care_team_nurse
):
    RolePermission.objects.filter(
        role=care_team_nurse.role, permission=Permission.VIEW_CARE_PLAN.value
    ).delete()
    assert care_team_nurse.professional.user not in recipients.care_team(care_team_patient)


def test_care_team_member_whose_membership_ended_is_not_told(care_team_patient, care_team_nurse):
    care_team_nurse.valid_until = timezone.localdate() - dt.timedelta(days=1)
    care_team_nurse.save(update_fields=["valid_until"])
    assert care_team_nurse.professional.user not in recipients.care_team(care_team_patient)
