"""Member organisations' own work: work plans, deliveries in reporting rounds with reminders,
self-evaluations with their action plans, and the bottleneck log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit.constants import AuditAction
from palliare.notifications.messages import DateParam, message
from palliare.organizations.models import Professional, Subregion

from .. import access
from ..constants import (
    DOCUMENT_TYPES,
    ActionStatus,
    BodyKind,
    BottleneckStatus,
    SelfEvaluationPhase,
)
from ..models import (
    BodyMeeting,
    Bottleneck,
    CoreElement,
    MemberOrganization,
    Reminder,
    ReportingRound,
    SelfEvaluation,
    SelfEvaluationAction,
    Submission,
    Theme,
    WorkPlan,
    WorkPlanEntry,
)
from .common import ensure, log
from .governance import check_document


def _ensure_member_work(actor: Actor, member: MemberOrganization) -> None:
    if not access.can_edit_member_work(actor, member):
        raise PermissionDenied


@transaction.atomic
def save_work_plan(
    actor: Actor,
    member: MemberOrganization,
    *,
    year: int,
    intentions: Mapping[int, str],
) -> WorkPlan:
    """Write a member's work plan for a year: per core element (id) what it will do. The
    member's contact keeps their own; the programme team any."""
    _ensure_member_work(actor, member)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})
    elements = {e.pk: e for e in CoreElement.objects.filter(is_active=True)}
    unknown = set(intentions) - set(elements)
    if unknown:
        raise ValidationError(_("Unknown core element."))
    plan, _created = WorkPlan.objects.get_or_create(member=member, year=year)
    for element_id, text in intentions.items():
        WorkPlanEntry.objects.update_or_create(
            work_plan=plan, core_element_id=element_id, defaults={"intentions": text.strip()}
        )
    plan.updated_by_name = actor.audit_name
    plan.save(update_fields=["updated_by_name", "updated_at"])
    log("programme.work_plan_saved", actor, plan, year=year)
    return plan


@transaction.atomic
def create_round(
    actor: Actor, *, kind: str, title: str, year: int, due_on: dt.date, instructions: str = ""
) -> ReportingRound:
    """Open a reporting round (what every member delivers, by when)."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    round_ = ReportingRound(
        kind=kind, title=title.strip(), year=year, due_on=due_on, instructions=instructions
    )
    round_.full_clean()
    round_.save()
    log("programme.round_created", actor, round_, AuditAction.CREATE)
    return round_


@transaction.atomic
def deliver(
    actor: Actor,
    round_: ReportingRound,
    member: MemberOrganization,
    *,
    upload: UploadedFile[bytes] | None = None,
    note: str = "",
) -> Submission:
    """Record a member's delivery in a round (e.g. its progress report), with its file. An
    organisation that is not a member of the network cannot deliver; one delivery per round."""
    _ensure_member_work(actor, member)
    today = timezone.localdate()
    if not member.is_member_on(today):
        raise ValidationError(
            _("%(name)s is not a member of the network: there is nothing to report.")
            % {"name": member.organization.name}
        )
    if upload is None and not note.strip():
        raise ValidationError({"file": _("Upload the report or write a note.")})
    submission = Submission(
        round=round_,
        member=member,
        submitted_on=today,
        note=note.strip(),
        submitted_by_name=actor.audit_name,
    )
    if upload is not None:
        extension, content = check_document(upload)
        submission.file_name = (upload.name or f"rapportage.{extension}")[-200:]
        submission.content_type = DOCUMENT_TYPES[extension][0]
        submission.size = len(content)
        submission.content = content
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s already delivered for this round.") % {"name": member.organization.name}
        ) from None
    log("programme.delivered", actor, submission, AuditAction.CREATE, round=round_.pk)
    return submission


def send_reminders(actor: Actor, round_: ReportingRound) -> int:
    """Remind the contacts of current members that have not delivered in ``round_`` (once a
    day per member; in-app notification and an e-mail without content). Returns how many."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    from palliare.notifications.services import notify

    today = timezone.localdate()
    delivered = set(round_.submissions.values_list("member_id", flat=True))
    members = (
        MemberOrganization.objects.current(today)
        .exclude(pk__in=delivered)
        .select_related("contact__user", "organization")
    )
    sent = 0
    with transaction.atomic():
        for member in members:
            user = member.contact.user if member.contact is not None else None
            if user is None:
                continue
            try:
                with transaction.atomic():
                    Reminder.objects.create(round=round_, member=member, sent_on=today)
            except IntegrityError:
                continue
            title = message(
                gettext_noop("Reminder: %(round)s, due %(date)s"),
                round=round_.title,
                date=DateParam(round_.due_on, "SHORT_DATE_FORMAT"),
            )
            notify(
                [user],
                kind="programme.reminder",
                title=title,
                url=reverse("programme:member", args=[member.pk]),
                email=True,
            )
            sent += 1
        log("programme.reminders_sent", actor, round_, AuditAction.EXECUTE, sent=sent)
    return sent


@transaction.atomic
def save_self_evaluation(
    actor: Actor,
    member: MemberOrganization,
    evaluation: SelfEvaluation | None = None,
    *,
    phase: str,
    started_on: dt.date | None,
    done_on: dt.date | None,
    themes: Iterable[Theme] = (),
    findings: str = "",
    may_be_named: bool = False,
) -> SelfEvaluation:
    """Record or update a member's self-evaluation."""
    _ensure_member_work(actor, member)
    today = timezone.localdate()
    if phase not in SelfEvaluationPhase.values:
        raise ValidationError({"phase": _("Choose a phase.")})
    if phase == SelfEvaluationPhase.DONE and done_on is None:
        raise ValidationError({"done_on": _("Give the date it was done.")})
    if phase != SelfEvaluationPhase.PLANNED and started_on is None:
        raise ValidationError({"started_on": _("Give the date it started.")})
    for value, field in ((started_on, "started_on"), (done_on, "done_on")):
        if value is not None and value > today:
            raise ValidationError({field: _("This date lies in the future.")})
    if started_on and done_on and done_on < started_on:
        raise ValidationError({"done_on": _("It cannot be done before it started.")})
    if evaluation is not None and evaluation.member_id != member.pk:
        raise PermissionDenied
    row = evaluation or SelfEvaluation(member=member)
    row.phase = phase
    row.started_on = started_on
    row.done_on = done_on if phase == SelfEvaluationPhase.DONE else None
    row.findings = findings.strip()
    row.may_be_named = may_be_named
    row.save()
    row.themes.set(list(themes))
    log("programme.self_evaluation_saved", actor, row, phase=phase)
    return row


@transaction.atomic
def add_self_evaluation_action(
    actor: Actor,
    evaluation: SelfEvaluation,
    *,
    description: str,
    owner_name: str,
    due_on: dt.date | None = None,
) -> SelfEvaluationAction:
    """Add an item to a self-evaluation's action plan."""
    _ensure_member_work(actor, evaluation.member)
    if not description.strip() or not owner_name.strip():
        raise ValidationError(_("Describe the action and who owns it."))
    item = SelfEvaluationAction.objects.create(
        self_evaluation=evaluation,
        description=description.strip(),
        owner_name=owner_name.strip(),
        due_on=due_on,
    )
    log("programme.self_evaluation_action_added", actor, item, AuditAction.CREATE)
    return item


@transaction.atomic
def set_self_evaluation_action_status(
    actor: Actor, item: SelfEvaluationAction, status: str
) -> SelfEvaluationAction:
    _ensure_member_work(actor, item.self_evaluation.member)
    if status not in ActionStatus.values:
        raise ValidationError(_("Unknown status."))
    item.status = status
    item.save(update_fields=["status"])
    log("programme.self_evaluation_action_status", actor, item, status=status)
    return item


@transaction.atomic
def record_bottleneck(
    actor: Actor,
    *,
    title: str,
    signalled_by: str,
    signalled_on: dt.date,
    description: str = "",
    subregion: Subregion | None = None,
    owner: Professional | None = None,
) -> Bottleneck:
    """Log a regional problem signalled to the network."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if signalled_on > timezone.localdate():
        raise ValidationError({"signalled_on": _("This date lies in the future.")})
    bottleneck = Bottleneck(
        title=title.strip(),
        signalled_by=signalled_by.strip(),
        signalled_on=signalled_on,
        description=description.strip(),
        subregion=subregion,
        owner=owner,
    )
    bottleneck.full_clean()
    bottleneck.save()
    log("programme.bottleneck_recorded", actor, bottleneck, AuditAction.CREATE)
    return bottleneck


@transaction.atomic
def update_bottleneck(
    actor: Actor,
    bottleneck: Bottleneck,
    *,
    status: str,
    owner: Professional | None,
    meeting: BodyMeeting | None,
    outcome: str = "",
) -> Bottleneck:
    """Put a bottleneck on a steering-group meeting, give it an owner, follow its status."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if status not in BottleneckStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if meeting is not None and meeting.body.kind not in (
        BodyKind.STEERING_GROUP,
        BodyKind.DAILY_BOARD,
    ):
        raise ValidationError({"meeting": _("Choose a meeting of the steering group.")})
    if status == BottleneckStatus.ON_AGENDA and meeting is None:
        raise ValidationError({"meeting": _("Choose the meeting where it is discussed.")})
    if status == BottleneckStatus.RESOLVED and not outcome.strip():
        raise ValidationError({"outcome": _("Write down how it was resolved.")})
    bottleneck.status = status
    bottleneck.owner = owner
    bottleneck.meeting = meeting
    bottleneck.outcome = outcome.strip()
    bottleneck.save()
    log("programme.bottleneck_updated", actor, bottleneck, status=status)
    return bottleneck
