"""Writing care plans: every save makes a new immutable version, checked against the version the
editor started from (optimistic locking). A save that lost the race is kept as a draft.

Other apps (acute, fhir) read plans through ``current_plan`` and ``content``."""

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
from palliare.patients import access as patient_access
from palliare.patients.models import Patient

from . import content as plan_content
from . import goals
from .constants import DraftStatus, Treatment
from .models import CarePlan, CarePlanDraft, CarePlanVersion

#: ``based_on`` names no saved version of the patient's plan: a form that was tampered with (or a
#: client that made the number up). Bad input, refused before anything is written; a genuinely
#: stale number (lower than the current one) is a :class:`PlanConflict` instead.
UNKNOWN_BASE_VERSION = _(
    "This form does not belong to a saved version of the care plan. Open the care plan again "
    "to change its current version; nothing was saved."
)


class PlanConflict(Exception):
    """Someone saved a newer version after this editor opened the plan. The editor's content is
    kept in ``draft``."""

    def __init__(self, draft: CarePlanDraft, current: CarePlanVersion | None) -> None:
        super().__init__(f"care plan changed meanwhile (now version {draft.conflicting_number})")
        self.draft = draft
        self.current = current


#: For queries that fetch the patient together with the plan (``select_related``): then
#: :func:`current_plan` answers without a query of its own.
PLAN_WITH_PATIENT = "care_plan__current_version"


def current_plan(patient: Patient) -> CarePlan | None:
    """The patient's plan with its current version (one query, or none when the patient was
    fetched with :data:`PLAN_WITH_PATIENT`), or None."""
    if Patient.care_plan.is_cached(patient):
        try:
            return patient.care_plan
        except CarePlan.DoesNotExist:
            return None
    return CarePlan.objects.select_related("current_version").filter(patient_id=patient.pk).first()


def _ensure_can_edit(actor: Actor, patient: Patient) -> None:
    if not actor.has(Permission.EDIT_CARE_PLAN):
        raise PermissionDenied
    if patient_access.access_purpose(actor, patient) is None:
        raise PermissionDenied
    if patient.is_deceased:
        raise ValidationError(_("The patient has died; the care plan can no longer be changed."))


def save_plan(
    actor: Actor,
    patient: Patient,
    *,
    content: dict[str, Any],
    based_on: int,
    note: str = "",
    draft: CarePlanDraft | None = None,
) -> CarePlanVersion:
    """Save ``content`` as the next version of the patient's plan.

    ``based_on`` is the version number the editor started from (0 for a new plan). When another
    version was saved in between, the content is stored as a :class:`CarePlanDraft` and
    :class:`PlanConflict` is raised; nothing is overwritten. A ``based_on`` that names no saved
    version (negative, beyond the current number, or not 0 while the patient has no plan) is
    refused with a ValidationError and nothing is stored. When nothing changed, the current
    version is returned and no version is added. ``draft`` marks a re-applied draft as taken up.
    """
    _ensure_can_edit(actor, patient)
    cleaned = plan_content.normalise(content)
    plan_content.validate(cleaned)
    try:
        return _save_version(actor, patient, cleaned, based_on, note.strip(), draft)
    except _Stale as stale:
        kept = _keep_draft(actor, stale.plan_id, cleaned, based_on, stale.current, note.strip())
        raise PlanConflict(kept, stale.version) from None


class _Stale(Exception):
    def __init__(self, plan_id: int, current: int, version: CarePlanVersion | None) -> None:
        self.plan_id, self.current, self.version = plan_id, current, version


@transaction.atomic
def _save_version(
    actor: Actor,
    patient: Patient,
    content: dict[str, Any],
    based_on: int,
    note: str,
    draft: CarePlanDraft | None,
) -> CarePlanVersion:
    if based_on < 0:
        raise ValidationError(UNKNOWN_BASE_VERSION, code="unknown_base_version")
    plan = CarePlan.objects.filter(patient=patient).first()
    if plan is None:
        if based_on != 0:
            raise ValidationError(UNKNOWN_BASE_VERSION, code="unknown_base_version")
        try:
            with transaction.atomic():
                plan = CarePlan.objects.create(patient=patient)
        except IntegrityError:  # another editor created the plan at the same moment
            plan = CarePlan.objects.get(patient=patient)
    plan = (
        CarePlan.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=plan.pk)
    )
    previous = plan.current_version
    if based_on > plan.current_number:
        raise ValidationError(UNKNOWN_BASE_VERSION, code="unknown_base_version")
    if based_on < plan.current_number:
        # A newer version was committed, so the plan row is committed too: the draft may point
        # at it once this transaction has rolled back. (A plan created just now has number 0,
        # and only ``based_on`` 0 gets this far for it.)
        raise _Stale(plan.pk, plan.current_number, previous)
    before = previous.content if previous is not None else plan_content.empty()
    changed = plan_content.changed_keys(before, content)
    if previous is not None and not changed:
        return previous
    assert actor.user is not None
    limits = {row["treatment"]: row for row in content["treatment_limits"]}
    version = CarePlanVersion.objects.create(
        plan=plan,
        number=plan.current_number + 1,
        based_on=based_on,
        content=content,
        changed_fields=changed,
        note=note,
        review_date=plan_content.parse_date(content["review_date"]),
        resuscitation=limits[Treatment.RESUSCITATION.value]["decision"],
        preferred_place_of_death=content["wishes"]["place_of_death"],
        author=actor.user,
        author_name=actor.audit_name,
        author_organization_name=actor.audit_organization_name,
        author_role=actor.role_code,
    )
    plan.current_number = version.number
    plan.current_version = version
    plan.review_due_on = version.review_date
    plan.updated_at = version.created_at
    plan.save(update_fields=["current_number", "current_version", "review_due_on", "updated_at"])
    if draft is not None and draft.status == DraftStatus.OPEN:
        CarePlanDraft.objects.filter(pk=draft.pk).update(
            status=DraftStatus.REAPPLIED, resolved_at=timezone.now()
        )
    newly_responsible = goals.sync_goals(version, before if previous is not None else None)
    audit.record(
        "careplans.version_created",
        actor=actor,
        action=AuditAction.CREATE if version.number == 1 else AuditAction.UPDATE,
        patient_id=patient.pk,
        subject=version,
        purpose=patient_access.access_purpose(actor, patient) or AuditPurpose.TREATMENT,
        details={"version": version.number, "changed": changed[:100]},
    )
    from . import tasks

    version_id = version.pk
    transaction.on_commit(lambda: tasks.notify_new_version.enqueue(version_id))
    if newly_responsible:
        author_id = actor.user.pk
        transaction.on_commit(
            lambda: goals.notify_owners(
                newly_responsible, patient_id=patient.pk, exclude_user_id=author_id
            )
        )
    return version


def save_goal_follow_up(
    actor: Actor, patient: Patient, content: dict[str, Any], based_on: int, note: str
) -> CarePlanVersion:
    """A goal's owner records its progress (:func:`.goals.set_goal_status` checked that the
    actor owns the goal and may see the patient): a new version like any other, without the
    right to edit the rest of the plan."""
    cleaned = plan_content.normalise(content)
    plan_content.validate(cleaned)
    try:
        return _save_version(actor, patient, cleaned, based_on, note, None)
    except _Stale as stale:
        kept = _keep_draft(actor, stale.plan_id, cleaned, based_on, stale.current, note)
        raise PlanConflict(kept, stale.version) from None


@transaction.atomic
def _keep_draft(
    actor: Actor,
    plan_id: int,
    content: dict[str, Any],
    based_on: int,
    current: int,
    note: str,
) -> CarePlanDraft:
    assert actor.user is not None
    draft = CarePlanDraft.objects.create(
        plan_id=plan_id,
        based_on=based_on,
        conflicting_number=current,
        content=content,
        note=note,
        author=actor.user,
        author_name=actor.audit_name,
    )
    audit.record(
        "careplans.save_conflict",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=draft.plan.patient_id,
        subject=draft,
        purpose=AuditPurpose.TREATMENT,
        details={"based_on": based_on, "current": current},
    )
    return draft


@transaction.atomic
def discard_draft(actor: Actor, draft: CarePlanDraft) -> CarePlanDraft:
    """The editor decided their kept draft is no longer needed."""
    if actor.user is None or draft.author_id != actor.user.pk:
        raise PermissionDenied
    if draft.status != DraftStatus.OPEN:
        raise ValidationError(_("This draft was already dealt with."))
    draft.status = DraftStatus.DISCARDED
    draft.resolved_at = timezone.now()
    draft.save(update_fields=["status", "resolved_at"])
    audit.record(
        "careplans.draft_discarded",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=draft.plan.patient_id,
        subject=draft,
        purpose=AuditPurpose.TREATMENT,
    )
    return draft


def record_print(actor: Actor, plan: CarePlan, version: CarePlanVersion) -> None:
    """Log that a printed copy was made (it leaves the system)."""
    audit.record(
        "careplans.printed",
        actor=actor,
        action=AuditAction.EXECUTE,
        patient_id=plan.patient_id,
        subject=version,
        purpose=patient_access.access_purpose(actor, plan.patient) or AuditPurpose.TREATMENT,
        details={"version": version.number},
    )
