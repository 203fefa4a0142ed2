"""Registering patients and changing their registration data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.constants import OrganizationType

from ..constants import CareTeamRole, ConsentGivenBy, ConsentScope
from ..models import CareTeamMember, Consent, Patient, PatientRevision
from .common import ConflictError, DuplicatePatientError, actor_name, ensure_can_view

EDITABLE_FIELDS = [
    "given_name",
    "family_name_prefix",
    "family_name",
    "date_of_birth",
    "sex",
    "street",
    "house_number",
    "postcode",
    "city",
    "phone",
    "gp_practice",
]


@transaction.atomic
def register_patient(
    actor: Actor,
    *,
    data: dict[str, Any],
    consents: list[ConsentScope] | None = None,
    care_team_role: CareTeamRole | None = None,
    via: str = "",
) -> Patient:
    """Register a patient. A professional from outside the patient's GP practice joins the care
    team (in ``care_team_role``); consent scopes the patient gave at registration are recorded.

    An API client (an actor without a user) registers through the same steps; its relationship to
    the patient comes from the channel it used (``via``, e.g. FHIR contributions), not from the
    care team, and it cannot record consent."""
    actor.require(Permission.REGISTER_PATIENT)
    if consents:
        actor.require(Permission.MANAGE_CONSENT)
    existing = Patient.objects.filter(bsn=data["bsn"]).first()
    if existing is not None:
        raise DuplicatePatientError(existing)
    if consents and actor.user is None:
        raise PermissionDenied
    practice = data["gp_practice"]
    if practice.type != OrganizationType.GP_PRACTICE:
        raise ValidationError({"gp_practice": _("Choose a GP practice.")})
    patient = Patient(**data)
    patient.full_clean()
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError as exc:  # registered at the same moment by someone else
        raise DuplicatePatientError(Patient.objects.get(bsn=data["bsn"])) from exc
    PatientRevision.objects.create(
        patient=patient,
        version=1,
        data=patient.snapshot(),
        changed_fields=sorted(patient.snapshot()),
        changed_by=actor.user,
    )
    audit.record(
        "patient.created",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        subject=patient,
        purpose=AuditPurpose.TREATMENT,
        details={"via": via} if via else None,
    )
    if actor.user is None:
        return patient
    assert actor.organization is not None
    if actor.organization_id != practice.pk:
        CareTeamMember.objects.create(
            patient=patient,
            organization=actor.organization,
            professional=actor.membership.professional if actor.membership else None,
            role=care_team_role or CareTeamRole.OTHER,
            added_by=actor.user,
            added_by_name=actor_name(actor),
        )
    for scope in consents or []:
        Consent.objects.create(
            patient=patient,
            scope=scope,
            given_on=timezone.localdate(patient.created_at),
            given_by=ConsentGivenBy.PATIENT,
            recorded_by=actor.user,
            recorded_by_name=actor_name(actor),
        )
        audit.record(
            "consent.recorded",
            actor=actor,
            action=AuditAction.CREATE,
            patient_id=patient.pk,
            purpose=AuditPurpose.TREATMENT,
            details={"scope": str(scope)},
        )
    return patient


@transaction.atomic
def update_patient(
    actor: Actor, patient: Patient, *, data: dict[str, Any], expected_version: int
) -> Patient:
    """Change registration data. Fails with ConflictError when someone saved in between."""
    actor.require(Permission.REGISTER_PATIENT)
    ensure_can_view(actor, patient)
    current = Patient.objects.select_for_update().get(pk=patient.pk)
    new_practice = data.get("gp_practice")
    if new_practice is not None and new_practice.pk != current.gp_practice_id:
        # Only the treating practice hands a patient over, and only to a GP practice.
        if actor.organization_id != current.gp_practice_id:
            raise ValidationError(
                {
                    "gp_practice": _(
                        "Only the patient's own GP practice can "
                        "transfer the patient to another practice."
                    )
                }
            )
        if new_practice.type != OrganizationType.GP_PRACTICE:
            raise ValidationError({"gp_practice": _("Choose a GP practice.")})
    if current.version != expected_version:
        last = current.revisions.select_related("changed_by").first()
        raise ConflictError(current.version, str(last.changed_by) if last else "")
    before = current.snapshot()
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(current, field, data[field])
    current.full_clean(exclude=["bsn"])
    after = current.snapshot()
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return current
    current.version += 1
    current.save()
    PatientRevision.objects.create(
        patient=current,
        version=current.version,
        data=after,
        changed_fields=changed,
        changed_by=actor.user,
    )
    audit.record(
        "patient.updated",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=current.pk,
        subject=current,
        purpose=AuditPurpose.TREATMENT,
        details={"changed": changed},
    )
    return current
