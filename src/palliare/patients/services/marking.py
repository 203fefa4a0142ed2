"""Marking the palliative phase, un-marking, indicator screening and the urgency colour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.messages import message
from palliare.notifications.services import notify

from ..constants import CareTeamRole, Urgency
from ..models import CareTeamMember, IndicatorScreening, Marking, Patient, UrgencyAssessment
from ..suggestions import services as suggestions
from .common import (
    actor_name,
    care_team_users,
    ensure_can_view,
    not_in_future,
    practice_users,
)


def _care_team_users(patient: Patient) -> list[User]:
    return care_team_users(patient) + practice_users(
        patient.gp_practice_id, Permission.VIEW_PATIENT
    )


@transaction.atomic
def mark_patient(actor: Actor, patient: Patient, *, data: dict[str, Any]) -> Marking:
    """Mark the palliative phase. The GP practice becomes lead practitioner and the care team
    is notified."""
    actor.require(Permission.MARK_PALLIATIVE)
    ensure_can_view(actor, patient)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    not_in_future(data["marked_on"], "marked_on")
    if data["marked_on"] < patient.date_of_birth:
        raise ValidationError({"marked_on": _("The marking date lies before the date of birth.")})
    if patient.is_deceased:
        raise ValidationError(_("This patient has died; marking is no longer possible."))
    if Marking.objects.filter(patient=patient, ended_at__isnull=True).exists():
        raise ValidationError(_("This patient is already marked as palliative."))
    assert actor.user is not None and actor.organization is not None
    marking = Marking.objects.create(
        patient=patient,
        marked_by=actor.user,
        marked_by_name=actor_name(actor),
        organization=actor.organization,
        **data,
    )
    patient.marked_since = marking.marked_on
    patient.diagnosis_group = marking.diagnosis_group
    patient.save(update_fields=["marked_since", "diagnosis_group", "updated_at"])
    suggestions.record_marking(actor, patient, marking)
    if (
        not CareTeamMember.objects.current()
        .filter(patient=patient, is_lead_practitioner=True)
        .exists()
    ):
        CareTeamMember.objects.create(
            patient=patient,
            organization_id=patient.gp_practice_id,
            role=CareTeamRole.GP,
            is_lead_practitioner=True,
            added_by=actor.user,
            added_by_name=actor_name(actor),
            note=gettext("lead practitioner since marking"),
        )
    audit.record(
        "patient.marked",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=marking,
        purpose=AuditPurpose.TREATMENT,
        details={"diagnosis_group": marking.diagnosis_group},
    )
    notify(
        _care_team_users(patient),
        kind="patient.marked",
        title=message(gettext_noop("A patient was marked as palliative")),
        url=reverse("patients:detail", args=[patient.pk]),
        patient_id=patient.pk,
        email=True,
        exclude=actor.user,
    )
    return marking


@transaction.atomic
def unmark_patient(actor: Actor, marking: Marking, *, ended_on: dt.date, reason: str) -> Marking:
    """End a marking. A reason is required."""
    actor.require(Permission.MARK_PALLIATIVE)
    ensure_can_view(actor, marking.patient)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for un-marking.")})
    not_in_future(ended_on, "ended_on")
    if ended_on < marking.marked_on:
        raise ValidationError({"ended_on": _("Un-marking cannot be before the marking.")})
    if marking.ended_at is not None:
        raise ValidationError(_("This marking has already ended."))
    marking.ended_on, marking.end_reason = ended_on, reason.strip()
    marking.ended_by, marking.ended_at = actor.user, timezone.now()
    marking.save(update_fields=["ended_on", "end_reason", "ended_by", "ended_at"])
    patient = marking.patient
    patient.marked_since = None
    patient.save(update_fields=["marked_since", "updated_at"])
    audit.record(
        "patient.unmarked",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=patient.pk,
        subject=marking,
        purpose=AuditPurpose.TREATMENT,
        reason=reason.strip(),
    )
    return marking


@transaction.atomic
def record_screening(actor: Actor, patient: Patient, *, data: dict[str, Any]) -> IndicatorScreening:
    """Record surprise questions and SPICT-NL indicators without marking (yet)."""
    actor.require(Permission.VIEW_PATIENT)
    ensure_can_view(actor, patient)
    not_in_future(data["screened_on"], "screened_on")
    assert actor.user is not None
    screening = IndicatorScreening.objects.create(
        patient=patient, screened_by=actor.user, screened_by_name=actor_name(actor), **data
    )
    audit.record(
        "patient.screened",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=screening,
        purpose=AuditPurpose.TREATMENT,
    )
    return screening


@transaction.atomic
def set_urgency(
    actor: Actor, patient: Patient, *, urgency: Urgency, note: str = ""
) -> UrgencyAssessment:
    """Set the PaTz colour code (kept as history)."""
    actor.require(Permission.MANAGE_CARE_TEAM)
    ensure_can_view(actor, patient)
    assert actor.user is not None
    assessment = UrgencyAssessment.objects.create(
        patient=patient,
        urgency=urgency,
        note=note,
        assessed_by=actor.user,
        assessed_by_name=actor_name(actor),
    )
    Patient.objects.filter(pk=patient.pk).update(urgency=urgency)
    patient.urgency = urgency
    audit.record(
        "patient.urgency_set",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=patient.pk,
        subject=assessment,
        purpose=AuditPurpose.TREATMENT,
        details={"urgency": str(urgency)},
    )
    return assessment
