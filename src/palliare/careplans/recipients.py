"""Who hears about a new version of a care plan: the care team. Acute-care organisations do
not (decision 0011): they open a shared plan only through the search, for a patient they treat."""

from __future__ import annotations

from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Patient
from palliare.patients.services.common import care_team_users, practice_users


def care_team(patient: Patient) -> list[User]:
    """The care team's users who may read the plan: everyone in the GP practice's part of the
    team, the other organisations only while consent to share with the care team is active;
    named members only while they work at their organisation in a role that may read plans."""
    users = practice_users(patient.gp_practice_id, Permission.VIEW_CARE_PLAN)
    if patient_services.has_active_consent(patient, ConsentScope.CARE_TEAM):
        users += care_team_users(patient, Permission.VIEW_CARE_PLAN)
    return users
