"""The acute path: the single way acute-care roles (out-of-hours GP post, emergency department,
ambulance, dispatch) find and open a patient.

Acute-care organisations have no care relationship with the patient, so this path does not use
``Patient.objects.visible_to`` or ``patients.access.get_patient_for``. A patient's acute summary
opens only

- with the patient's active consent to share with acute care (legal ground: consent), or
- through the actor's own, unexpired emergency access (legal ground: emergency, with the reason).

Every search and every opening is written to the access log here, with that legal ground.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose
from palliare.careplans.services import PLAN_WITH_PATIENT
from palliare.db.precompiled import PrecompiledQuery
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Marking, Patient

from .models import EmergencyAccess


class NoSharedPlan(Exception):
    """The patient has not consented to share with acute care and the actor has no emergency
    access: show "no shared plan" and offer emergency access.

    ``patient`` is set only when the actor reached this patient through their own search in
    this session (``identified``): then the page may show the name and date of birth the
    actor searched for. Otherwise it is None and the page shows nothing about the patient."""

    def __init__(self, patient: Patient | None) -> None:
        super().__init__("no shared plan")
        self.patient = patient


@dataclass(frozen=True)
class AcuteAccess:
    """An opened acute summary and the legal ground it was opened on."""

    patient: Patient
    purpose: AuditPurpose
    emergency: EmergencyAccess | None = None


def _patient_with_plan(pk: int, today: dt.date) -> QuerySet[Patient]:
    """The patient with their GP practice, plan and current version, the diagnosis text of the
    current marking (``marking_diagnosis``), and whether they consent to share with acute care
    today (one query)."""
    diagnosis = (
        Marking.objects.filter(patient=OuterRef("pk"), ended_on__isnull=True)
        .order_by("-marked_on", "-pk")
        .values("diagnosis")[:1]
    )
    patients = (
        Patient.objects.select_related("gp_practice", PLAN_WITH_PATIENT)
        .filter(pk=pk)
        .annotate(marking_diagnosis=Subquery(diagnosis))
        .order_by()
    )
    return patient_services.with_active_consent(patients, ConsentScope.ACUTE_CARE, on=today)[:1]


#: Compiled once per process: the acute path answers at 3 a.m. (decision 0021).
PATIENT_WITH_PLAN = PrecompiledQuery(_patient_with_plan, pk=int, today=dt.date)


def active_emergency_access(actor: Actor, patient_id: int) -> EmergencyAccess | None:
    """The actor's unexpired emergency access to the patient (same user and organisation)."""
    if actor.user is None or actor.organization_id is None:
        return None
    return (
        EmergencyAccess.objects.active()
        .filter(patient_id=patient_id, user=actor.user, organization_id=actor.organization_id)
        .order_by("-expires_at")
        .first()
    )


def open_acute_summary(
    actor: Actor, patient_id: int, *, via: str = "search", identified: bool = False
) -> AcuteAccess:
    """Open a patient's acute summary for ``actor`` and log it (consent or emergency).

    Raises PermissionDenied without the acute permission, Http404 for an unknown patient and
    :class:`NoSharedPlan` when neither consent nor emergency access allows it. ``identified``
    says the actor found this patient through their own search in this session: only then does
    :class:`NoSharedPlan` carry the patient (to show the name and date of birth searched for);
    the log records whether the identity was shown."""
    if not actor.has(Permission.VIEW_ACUTE_SUMMARY):
        raise PermissionDenied
    # The plan comes with the patient (one query); it is shown only on the consent or
    # emergency path below.
    patient = PATIENT_WITH_PLAN.first(pk=patient_id, today=timezone.localdate())
    if patient is None:
        raise Http404
    if patient_services.has_active_consent(patient, ConsentScope.ACUTE_CARE):
        audit.record(
            "acute.summary_read",
            actor=actor,
            action=AuditAction.READ,
            patient_id=patient.pk,
            purpose=AuditPurpose.CONSENT,
            details={"via": via},
        )
        return AcuteAccess(patient, AuditPurpose.CONSENT)
    grant = active_emergency_access(actor, patient.pk)
    if grant is not None:
        audit.record(
            "acute.summary_read",
            actor=actor,
            action=AuditAction.READ,
            patient_id=patient.pk,
            subject=grant,
            purpose=AuditPurpose.EMERGENCY,
            reason=grant.reason,
            details={"via": via, "emergency_access": grant.pk},
        )
        return AcuteAccess(patient, AuditPurpose.EMERGENCY, grant)
    audit.record(
        "acute.no_shared_plan",
        actor=actor,
        action=AuditAction.READ,
        patient_id=patient.pk,
        outcome=AuditOutcome.DENIED,
        details={"via": via, "identity_shown": identified},
    )
    raise NoSharedPlan(patient if identified else None)
