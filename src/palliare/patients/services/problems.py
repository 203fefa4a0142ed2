"""Problems (zib Problem): recording them as immutable versions, withdrawing them, opening one.

Access is the patient's (``patients.access``): recording needs a legal ground for the patient
and permission to edit the care plan; only the organisation that sent a problem changes or
withdraws it. Every read and write is in the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose

from .. import access
from ..models import Patient
from ..models.problems import Problem, ProblemVersion
from ..suggestions.engine import recompute_soon

#: zib Problem status and verification status (FHIR condition-clinical / condition-ver-status).
CLINICAL_STATUSES = frozenset(
    {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
)
VERIFICATION_STATUSES = frozenset(
    {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}
)


@dataclass(frozen=True)
class ProblemData:
    """The content of one version of a problem (codings as ``{system, code, display}``)."""

    codes: list[dict[str, str]] = field(default_factory=list)
    text: str = ""
    categories: list[dict[str, str]] = field(default_factory=list)
    clinical_status: str = ""
    verification_status: str = ""
    onset: str = ""
    abatement: str = ""
    recorded: str = ""
    note: str = ""

    def same_as(self, version: ProblemVersion | None) -> bool:
        return (
            version is not None
            and not version.withdrawn
            and all(
                getattr(self, name) == getattr(version, name)
                for name in (
                    "codes",
                    "text",
                    "categories",
                    "clinical_status",
                    "verification_status",
                    "onset",
                    "abatement",
                    "recorded",
                    "note",
                )
            )
        )


def validate_problem(data: ProblemData) -> None:
    """The bad-input rules of a problem (keys name the field)."""
    errors: dict[str, list[Any]] = {}
    if not data.codes and not data.text.strip():
        errors["codes"] = [_("Name the problem: give a code or a text.")]
    for name, codings in (("codes", data.codes), ("categories", data.categories)):
        for coding in codings:
            if not coding.get("code") or not coding.get("system"):
                errors[name] = [_("Every code needs a code system and a code.")]
    if data.clinical_status and data.clinical_status not in CLINICAL_STATUSES:
        errors["clinical_status"] = [_("Choose the problem status from the list.")]
    if data.verification_status and data.verification_status not in VERIFICATION_STATUSES:
        errors["verification_status"] = [_("Choose the verification status from the list.")]
    if data.onset and data.abatement and data.abatement[:10] < data.onset[:10]:
        errors["abatement"] = [_("A problem cannot end before it started.")]
    if data.recorded and data.recorded[:10] > dt.date.today().isoformat():
        errors["recorded"] = [_("The date recorded cannot be in the future.")]
    if errors:
        raise ValidationError(errors)


def _ensure_can_record(actor: Actor, patient: Patient, problem: Problem | None) -> AuditPurpose:
    """The legal ground of the write; PermissionDenied when there is none."""
    if actor.organization_id is None or not actor.has(Permission.EDIT_CARE_PLAN):
        raise PermissionDenied
    if problem is not None and problem.sender_organization_id != actor.organization_id:
        raise PermissionDenied
    purpose = access.access_purpose(actor, patient)
    if purpose is None:
        raise PermissionDenied
    return purpose


def _new_version(
    actor: Actor, problem: Problem, data: ProblemData, *, withdrawn: bool = False
) -> ProblemVersion:
    version = ProblemVersion.objects.create(
        problem=problem,
        number=problem.current_number + 1,
        codes=data.codes,
        text=data.text,
        categories=data.categories,
        clinical_status=data.clinical_status,
        verification_status=data.verification_status,
        onset=data.onset,
        abatement=data.abatement,
        recorded=data.recorded,
        note=data.note,
        withdrawn=withdrawn,
        author_name=actor.audit_name[:200],
    )
    problem.current_number = version.number
    problem.current_version = version
    problem.updated_at = version.created_at
    problem.save(update_fields=["current_number", "current_version", "updated_at"])
    return version


@transaction.atomic
def record_problem(
    actor: Actor, *, patient: Patient, data: ProblemData, problem: Problem | None = None
) -> Problem:
    """Record a new problem, or a new version of ``problem`` (nothing is overwritten; an
    unchanged problem gets no new version)."""
    purpose = _ensure_can_record(actor, patient, problem)
    validate_problem(data)
    if problem is None:
        assert actor.organization_id is not None
        problem = Problem.objects.create(
            patient=patient,
            sender_organization_id=actor.organization_id,
            sender_name=actor.audit_name[:200],
        )
    else:
        problem = Problem.objects.select_for_update().get(pk=problem.pk)
        if problem.patient_id != patient.pk:
            raise ValidationError({"patient": [_("This problem belongs to another patient.")]})
    if data.same_as(problem.current_version):
        return problem
    version = _new_version(actor, problem, data)
    audit.record(
        "patients.problem_recorded",
        actor=actor,
        action=AuditAction.CREATE if version.number == 1 else AuditAction.UPDATE,
        patient_id=patient.pk,
        subject=version,
        purpose=purpose,
        details={"version": version.number},
    )
    recompute_soon(patient.pk)
    return problem


@transaction.atomic
def withdraw_problem(actor: Actor, problem: Problem) -> Problem:
    """Withdraw a problem: a new version marked withdrawn (the earlier versions remain, so the
    history shows what was asserted and when). Withdrawing twice changes nothing."""
    problem = (
        # Lock the problem row only: PostgreSQL refuses FOR UPDATE on the nullable side of
        # the outer join to the current version.
        Problem.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=problem.pk)
    )
    patient = Patient.objects.get(pk=problem.patient_id)
    purpose = _ensure_can_record(actor, patient, problem)
    current = problem.current_version
    if current is None or current.withdrawn:
        return problem
    data = ProblemData(
        **{
            name: getattr(current, name)
            for name in ProblemData.__dataclass_fields__  # same content, marked withdrawn
        }
    )
    version = _new_version(actor, problem, data, withdrawn=True)
    audit.record(
        "patients.problem_withdrawn",
        actor=actor,
        action=AuditAction.DELETE,
        patient_id=patient.pk,
        subject=version,
        purpose=purpose,
        details={"version": version.number},
    )
    recompute_soon(patient.pk)
    return problem


def problem_for(
    actor: Actor, pk: int, *, event: str, details: dict[str, str] | None = None
) -> Problem:
    """Open one problem for ``actor`` and log the read; Http404 when missing or not allowed
    (the two look alike). A withdrawn problem is still opened (the caller decides)."""
    problem = Problem.objects.select_related("current_version").filter(pk=pk).first()
    if problem is None or problem.current_version is None:
        raise Http404
    access.get_patient_for(actor, problem.patient_id, event=event, details=details)
    return problem


def problems_of(patients: list[Patient]) -> list[Problem]:
    """The current (not withdrawn) problems of patients the caller has already opened (access
    checked and logged)."""
    if not patients:
        return []
    return list(
        Problem.objects.filter(
            patient__in=patients,
            current_version__isnull=False,
            current_version__withdrawn=False,
        )
        .select_related("current_version", "patient")
        .order_by("patient_id", "pk")
    )


def versions_of(problem: Problem) -> list[ProblemVersion]:
    """Every version of a problem the caller has already opened, newest first."""
    return list(problem.versions.order_by("-number"))
