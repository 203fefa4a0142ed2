"""The transformation plan: action lines, assignments per phase, deliverables (versions,
concurrent-edit detection, concept → submitted → adopted with a decision)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit.constants import AuditAction
from palliare.organizations.models import Subregion

from ..constants import BodyKind, DeliverableStatus, Phase
from ..models import (
    ActionLine,
    BodyMembership,
    Decision,
    Deliverable,
    DeliverableVersion,
    PhaseAssignment,
)
from .common import ConflictError, ensure, ensure_any, log


@transaction.atomic
def save_action_line(
    actor: Actor,
    action_line: ActionLine | None = None,
    **fields: object,
) -> ActionLine:
    """Create or change an action line (number, title, principles, parties, leader, …)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    line = action_line or ActionLine()
    for name, value in fields.items():
        setattr(line, name, value)
    line.full_clean()
    line.save()
    log(
        "programme.action_line_saved",
        actor,
        line,
        AuditAction.UPDATE if action_line else AuditAction.CREATE,
    )
    return line


@transaction.atomic
def set_assignment(
    actor: Actor,
    action_line: ActionLine,
    *,
    phase: str,
    assignment: str,
    per_subregion: bool = False,
    not_applicable: bool = False,
) -> PhaseAssignment:
    """Write what an action line must deliver in a phase."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if phase not in Phase.values or phase == Phase.WORKBOOK:
        raise ValidationError({"phase": _("Choose a phase of the action line.")})
    if not assignment.strip() and not not_applicable:
        raise ValidationError({"assignment": _("Write the assignment, or mark it not applicable.")})
    row, _created = PhaseAssignment.objects.update_or_create(
        action_line=action_line,
        phase=phase,
        defaults={
            "assignment": assignment.strip(),
            "per_subregion": per_subregion,
            "not_applicable": not_applicable,
        },
    )
    log("programme.assignment_saved", actor, row, phase=phase)
    return row


def may_edit_deliverable(actor: Actor, deliverable: Deliverable) -> bool:
    """The programme team edits every deliverable; a working group's current members edit
    their action line's deliverables."""
    if deliverable.status == DeliverableStatus.ADOPTED:
        return False
    if actor.has(Permission.MANAGE_PROGRAMME):
        return True
    if not actor.has(Permission.VIEW_PROGRAMME) or actor.membership is None:
        return False
    line = deliverable.action_line
    if line is None or line.working_group_id is None:
        return False
    today = timezone.localdate()
    return (
        BodyMembership.objects.filter(
            body_id=line.working_group_id,
            professional_id=actor.membership.professional_id,
        )
        .filter(BodyMembership.current_q(today))
        .exists()
    )


def _validate_dates(starts_on: dt.date, due_on: dt.date) -> None:
    if due_on < starts_on:
        raise ValidationError({"due_on": _("The due date cannot be before the start.")})
    for value, field in ((starts_on, "starts_on"), (due_on, "due_on")):
        if not 2000 <= value.year <= 2100:
            raise ValidationError({field: _("Choose a date between 2000 and 2100.")})


@transaction.atomic
def create_deliverable(
    actor: Actor,
    *,
    action_line: ActionLine | None,
    phase: str,
    title: str,
    starts_on: dt.date,
    due_on: dt.date,
    subregion: Subregion | None = None,
    text: str = "",
) -> Deliverable:
    """Plan a deliverable of an action line in a phase (per subregion where the phase's
    assignment says so). The workbook is the one plan-wide deliverable without action line."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose a phase.")})
    if (action_line is None) != (phase == Phase.WORKBOOK):
        raise ValidationError(
            {"action_line": _("Only the workbook belongs to the plan as a whole.")}
        )
    if not title.strip():
        raise ValidationError({"title": _("Give the deliverable a title.")})
    _validate_dates(starts_on, due_on)
    if action_line is not None:
        assignment = PhaseAssignment.objects.filter(action_line=action_line, phase=phase).first()
        if assignment is not None and assignment.per_subregion and subregion is None:
            raise ValidationError(
                {"subregion": _("This phase is delivered per subregion: choose one.")}
            )
    deliverable = Deliverable.objects.create(
        action_line=action_line,
        phase=phase,
        subregion=subregion,
        title=title.strip(),
        starts_on=starts_on,
        due_on=due_on,
    )
    log("programme.deliverable_created", actor, deliverable, AuditAction.CREATE)
    if text.strip():
        save_deliverable_text(actor, deliverable, text=text, based_on=0)
        deliverable.refresh_from_db()
    return deliverable


@transaction.atomic
def reschedule_deliverable(
    actor: Actor, deliverable: Deliverable, *, starts_on: dt.date, due_on: dt.date
) -> Deliverable:
    """Change a deliverable's start and due date."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    _validate_dates(starts_on, due_on)
    deliverable.starts_on, deliverable.due_on = starts_on, due_on
    deliverable.save(update_fields=["starts_on", "due_on", "updated_at"])
    log("programme.deliverable_rescheduled", actor, deliverable, due_on=due_on)
    return deliverable


@transaction.atomic
def save_deliverable_text(
    actor: Actor, deliverable: Deliverable, *, text: str, based_on: int, note: str = ""
) -> DeliverableVersion:
    """Save a new version of a deliverable's text. ``based_on`` is the version the editor
    started from: when somebody saved in between, :class:`ConflictError` is raised and nothing
    is written (the view keeps the editor's text and shows the conflict)."""
    locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if not may_edit_deliverable(actor, locked):
        if locked.status == DeliverableStatus.ADOPTED:
            raise ValidationError(
                _("An adopted deliverable is not changed: plan a new deliverable for a revision.")
            )
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("The text is empty.")})
    if based_on < 0 or based_on > locked.current_version:
        raise ValidationError(_("The form was out of date. Reload the page."))
    if based_on != locked.current_version:
        last = locked.versions.order_by("-number").first()
        raise ConflictError(locked.current_version, last.created_by_name if last else "")
    number = locked.current_version + 1
    version = DeliverableVersion.objects.create(
        deliverable=locked,
        number=number,
        text=text.strip(),
        note=note.strip()[:300],
        created_by_name=actor.audit_name,
    )
    Deliverable.objects.filter(pk=locked.pk).update(
        current_version=number, updated_at=timezone.now()
    )
    deliverable.current_version = number
    log("programme.deliverable_saved", actor, locked, version=number)
    return version


@transaction.atomic
def submit_deliverable(actor: Actor, deliverable: Deliverable) -> Deliverable:
    """Submit a concept to the steering group."""
    if not may_edit_deliverable(actor, deliverable):
        raise PermissionDenied
    if deliverable.status != DeliverableStatus.CONCEPT:
        raise ValidationError(_("Only a concept can be submitted."))
    if deliverable.current_version == 0:
        raise ValidationError(_("Write the deliverable before submitting it."))
    deliverable.status = DeliverableStatus.SUBMITTED
    deliverable.submitted_on = timezone.localdate()
    deliverable.save(update_fields=["status", "submitted_on", "updated_at"])
    log("programme.deliverable_submitted", actor, deliverable)
    return deliverable


@transaction.atomic
def adopt_deliverable(
    actor: Actor, deliverable: Deliverable, decision: Decision | None
) -> Deliverable:
    """Adopt a submitted deliverable by a decision of the steering group (or its daily board).
    Without a decision it is refused."""
    ensure_any(actor, Permission.RECORD_DECISIONS, Permission.MANAGE_PROGRAMME)
    if decision is None:
        raise ValidationError(
            {"decision": _("A deliverable is adopted only by a decision: choose the decision.")}
        )
    if decision.body.kind not in (BodyKind.STEERING_GROUP, BodyKind.DAILY_BOARD):
        raise ValidationError(
            {"decision": _("Only the steering group or the daily board adopts deliverables.")}
        )
    if deliverable.status == DeliverableStatus.ADOPTED:
        raise ValidationError(_("This deliverable is already adopted."))
    if deliverable.status != DeliverableStatus.SUBMITTED:
        raise ValidationError(_("Submit the deliverable to the steering group first."))
    if decision.decided_on < deliverable.starts_on:
        raise ValidationError(
            {"decision": _("This decision was taken before the deliverable started.")}
        )
    deliverable.status = DeliverableStatus.ADOPTED
    deliverable.decision = decision
    deliverable.save(update_fields=["status", "decision", "updated_at"])
    log(
        "programme.deliverable_adopted",
        actor,
        deliverable,
        decision=decision.reference,
    )
    return deliverable
