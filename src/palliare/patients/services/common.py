"""Shared pieces of the register services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.organizations.models import Membership

from .. import access
from ..models import Patient


class ConflictError(Exception):
    """Somebody else saved the record after this editor opened it (optimistic locking)."""

    def __init__(self, current_version: int, changed_by: str = "") -> None:
        super().__init__(f"record changed meanwhile (now version {current_version})")
        self.current_version = current_version
        self.changed_by = changed_by


class DuplicatePatientError(ValidationError):
    """A patient with this BSN is already registered."""

    def __init__(self, existing: Patient) -> None:
        super().__init__(_("A patient with this BSN is already registered."), code="duplicate_bsn")
        self.existing = existing


def ensure_can_view(actor: Actor, patient: Patient) -> None:
    """The actor must be allowed to see the patient (care relationship and consent)."""
    if access.access_purpose(actor, patient) is None:
        raise PermissionDenied


def actor_name(actor: Actor) -> str:
    return actor.audit_name


def not_in_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date lies in the future.")})


def practice_users(organization_id: int, permission: Permission | None = None) -> list[User]:
    """Active users working at an organisation now (optionally only those whose role holds
    ``permission``)."""
    memberships = Membership.objects.current().filter(
        organization_id=organization_id,
        professional__is_active=True,
        professional__user__isnull=False,
        professional__user__is_active=True,
    )
    if permission is not None:
        memberships = memberships.filter(role__permissions__permission=permission.value)
    return [
        m.professional.user
        for m in memberships.select_related("professional__user")
        if m.professional.user is not None
    ]


def care_team_users(
    patient: Patient, permission: Permission = Permission.VIEW_PATIENT
) -> list[User]:
    """The users of the named professionals in the patient's current care team who may see the
    patient: those of the GP practice always, the other organisations' only while the patient's
    consent to share with the care team is active (the access policy's rule).

    A member counts only while their account and professional record are active and they work
    at the member's organisation today (a current membership there, the organisation active)
    in a role holding ``VIEW_PATIENT`` and ``permission`` (for example ``VIEW_CARE_PLAN`` when
    the news is a new version of the plan). Former members (ended rows) never count."""
    from ..constants import ConsentScope
    from ..models import CareTeamMember
    from .consent import has_active_consent

    works_there = Membership.objects.current().filter(
        professional_id=OuterRef("professional_id"),
        organization_id=OuterRef("organization_id"),
        organization__is_active=True,
    )
    for needed in dict.fromkeys((Permission.VIEW_PATIENT, permission)):
        # One join per permission: the role must hold each of them.
        works_there = works_there.filter(role__permissions__permission=needed.value)
    members = (
        CareTeamMember.objects.current()
        .filter(
            Exists(works_there),
            patient=patient,
            professional__is_active=True,
            professional__user__isnull=False,
            professional__user__is_active=True,
        )
        .select_related("professional__user")
    )
    if not has_active_consent(patient, ConsentScope.CARE_TEAM):
        members = members.filter(organization_id=patient.gp_practice_id)
    return [
        m.professional.user
        for m in members
        if m.professional is not None and m.professional.user is not None
    ]
