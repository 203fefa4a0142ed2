"""Who hears about a new version of a care plan."""

from __future__ import annotations

from django.db.models import Q

from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Organization, Subregion
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Patient
from palliare.patients.services.common import care_team_users, practice_users

#: Organisations that give acute care: they may read the acute summary of a shared plan.
ACUTE_CARE_TYPES = (
    OrganizationType.OUT_OF_HOURS_GP_POST,
    OrganizationType.AMBULANCE_SERVICE,
    OrganizationType.DISPATCH_CENTRE,
    OrganizationType.HOSPITAL,
)


def care_team(patient: Patient) -> list[User]:
    """The care team's users who may read the plan: everyone in the GP practice's part of the
    team, the other organisations only while consent to share with the care team is active;
    named members only while they work at their organisation in a role that may read plans."""
    users = practice_users(patient.gp_practice_id, Permission.VIEW_CARE_PLAN)
    if patient_services.has_active_consent(patient, ConsentScope.CARE_TEAM):
        users += care_team_users(patient, Permission.VIEW_CARE_PLAN)
    return users


def patient_subregion(patient: Patient) -> Subregion | None:
    """The subregional network of the patient's address (postcode area → municipality)."""
    if not patient.postcode_area_id:
        return None
    return (
        Subregion.objects.filter(municipalities__postcode_areas__pc4=patient.postcode_area_id)
        .select_related("region")
        .first()
    )


def acute_care_organizations(patient: Patient) -> list[Organization]:
    """Acute-care organisations serving the patient's address: those of its subregion, and
    region-wide ones (no subregion) located in the same region."""
    subregion = patient_subregion(patient)
    if subregion is None:
        return []
    region_wide = Q(subregion__isnull=True) & Q(
        locations__postcode_area__municipality__subregion__region_id=subregion.region_id
    )
    return list(
        Organization.objects.active()
        .filter(type__in=ACUTE_CARE_TYPES)
        .filter(Q(subregion=subregion) | region_wide)
        .distinct()
    )


def acute_care(patient: Patient) -> list[User]:
    """Users of the acute-care organisations of the patient's region who hold the acute summary
    permission, only while the patient's consent to share with acute care is active."""
    if not patient_services.has_active_consent(patient, ConsentScope.ACUTE_CARE):
        return []
    users: list[User] = []
    for organization in acute_care_organizations(patient):
        users += practice_users(organization.pk, Permission.VIEW_ACUTE_SUMMARY)
    return users
