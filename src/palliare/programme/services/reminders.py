"""Reminders of a reporting round to the members that have not delivered: on schedule (14 and 3
days before the deadline, and once after it) and when the coordinator presses the button.

The schedule runs daily (``manage.py send_programme_reminders`` from cron, which enqueues the
task ``programme.tasks.send_reminders_due``). Each reminder is a ``Reminder`` row: a step goes
once per round and member (a unique constraint), and nobody gets two reminders of one round on
one day, so running the command twice sends nothing twice. The message holds no content beyond
the round's title and deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.messages import DateParam, message
from palliare.notifications.services import notify

from ..constants import OVERDUE_REMINDER_WITHIN_DAYS, REMINDER_STEPS_BEFORE, ReminderStep
from ..models import MemberOrganization, Reminder, ReportingRound
from .common import ensure, log


@dataclass(frozen=True)
class DueReminder:
    """One scheduled reminder to send: a round, a member that has not delivered, a step."""

    round_id: int
    member_id: int
    step: str


def step_due(due_on: dt.date, today: dt.date) -> str | None:
    """The scheduled step of a round with deadline ``due_on`` on ``today``, or None. Only the
    latest step applies: a day missed by the schedule does not send an earlier step late."""
    days_left = (due_on - today).days
    if days_left < 0:
        return ReminderStep.OVERDUE if -days_left <= OVERDUE_REMINDER_WITHIN_DAYS else None
    for days_before, step in REMINDER_STEPS_BEFORE:
        if days_left <= days_before:
            return step
    return None


def _undelivered(round_: ReportingRound, today: dt.date) -> list[MemberOrganization]:
    return list(
        MemberOrganization.objects.current(today)
        .exclude(pk__in=round_.submissions.values("member_id"))
        .filter(contact__user__isnull=False)
        .select_related("contact__user", "organization")
        .order_by("pk")
    )


def reminders_due(today: dt.date | None = None) -> list[DueReminder]:
    """Every scheduled reminder to send today: for each round whose deadline is at most 14 days
    ahead (or at most 30 days past), the current members with a contact that have not
    delivered and did not get this step yet."""
    day = today or timezone.localdate()
    longest = max(days for days, _step in REMINDER_STEPS_BEFORE)
    rounds = ReportingRound.objects.filter(
        due_on__gte=day - dt.timedelta(days=OVERDUE_REMINDER_WITHIN_DAYS),
        due_on__lte=day + dt.timedelta(days=longest),
    ).order_by("due_on", "pk")
    due: list[DueReminder] = []
    for round_ in rounds:
        step = step_due(round_.due_on, day)
        if step is None:
            continue
        done = set(
            Reminder.objects.filter(round=round_)
            .filter(step=step)
            .values_list("member_id", flat=True)
        )
        due.extend(
            DueReminder(round_.pk, member.pk, step)
            for member in _undelivered(round_, day)
            if member.pk not in done
        )
    return due


def _remind(round_: ReportingRound, member: MemberOrganization, step: str, today: dt.date) -> bool:
    """Write the reminder row and notify the member's contact (in the app and by e-mail without
    content). False when this step or another reminder of the round went today already."""
    user = member.contact.user if member.contact is not None else None
    if user is None:
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(round=round_, member=member, sent_on=today, step=step)
    except IntegrityError:
        return False
    title = message(
        gettext_noop("Reminder: %(round)s was due %(date)s")
        if step == ReminderStep.OVERDUE
        else gettext_noop("Reminder: %(round)s, due %(date)s"),
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
    return True


def send_scheduled_reminder(reminder: DueReminder, today: dt.date | None = None) -> bool:
    """Send one scheduled reminder. Idempotent: False when it went before, the member has
    delivered meanwhile, or the step is no longer due."""
    day = today or timezone.localdate()
    round_ = ReportingRound.objects.filter(pk=reminder.round_id).first()
    if round_ is None or step_due(round_.due_on, day) != reminder.step:
        return False
    with transaction.atomic():
        member = (
            MemberOrganization.objects.current(day)
            .filter(pk=reminder.member_id)
            .select_related("contact__user", "organization")
            .first()
        )
        if member is None or round_.submissions.filter(member=member).exists():
            return False
        if not _remind(round_, member, reminder.step, day):
            return False
        audit.record(
            "programme.reminder_sent",
            actor=None,
            actor_name="system",
            action=AuditAction.EXECUTE,
            subject=round_,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"member": str(member.pk), "step": reminder.step},
        )
    return True


def send_reminders(actor: Actor, round_: ReportingRound) -> int:
    """Remind now, on the coordinator's request, the contacts of current members that have not
    delivered in ``round_`` (at most once a day per member). Returns how many."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    today = timezone.localdate()
    sent = 0
    with transaction.atomic():
        for member in _undelivered(round_, today):
            if _remind(round_, member, ReminderStep.MANUAL, today):
                sent += 1
        log("programme.reminders_sent", actor, round_, AuditAction.EXECUTE, sent=sent)
    return sent
