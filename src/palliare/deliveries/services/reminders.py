"""Reminders before and after a deadline, once each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications.messages import message
from palliare.notifications.services import notify
from palliare.organizations.models import Organization

from .. import periods
from ..constants import REMIND_BEFORE, ReminderKind
from ..models import DataSet, Delivery, DeliveryReminder
from .recipients import users_with


@dataclass(frozen=True)
class DueReminder:
    data_set_id: int
    organization_id: int
    period_start: dt.date
    kind: str


def reminders_due(today: dt.date | None = None) -> list[DueReminder]:
    """Every reminder to send today: for the most recent ended period of each active data set,
    organisations without a delivery get one reminder within ``REMIND_BEFORE`` of the deadline
    and one after it has passed. Already sent reminders are left out."""
    day = today or timezone.localdate()
    due = []
    for data_set in DataSet.objects.filter(is_active=True).order_by("pk"):
        version = data_set.current_version()
        if version is None:
            continue
        period = periods.period_containing(day, data_set.period_type).previous()
        if not data_set.asks_for(period):
            continue
        deadline = period.deadline(version.deadline_days)
        if day > deadline:
            kind = ReminderKind.OVERDUE
        elif day >= deadline - REMIND_BEFORE:
            kind = ReminderKind.BEFORE_DEADLINE
        else:
            continue
        delivered = Delivery.objects.filter(data_set=data_set, period_start=period.start).values(
            "organization_id"
        )
        sent = DeliveryReminder.objects.filter(
            data_set=data_set, period_start=period.start, kind=kind
        ).values("organization_id")
        for org_id in (
            Organization.objects.filter(type=data_set.organization_type, is_active=True)
            .exclude(pk__in=delivered)
            .exclude(pk__in=sent)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            due.append(DueReminder(data_set.pk, org_id, period.start, kind))
    return due


def send_reminder(reminder: DueReminder) -> bool:
    """Remind one organisation's controllers (in the app and by e-mail, no figures and no
    patient data). Idempotent: False when it was sent before or is no longer due."""
    data_set = DataSet.objects.filter(pk=reminder.data_set_id).first()
    if data_set is None:
        return False
    period = periods.from_start(reminder.period_start, data_set.period_type)
    if period is None:
        return False
    with transaction.atomic():
        if Delivery.objects.filter(
            data_set=data_set,
            organization_id=reminder.organization_id,
            period_start=reminder.period_start,
        ).exists():
            return False
        recipients = users_with(Permission.DELIVER_FIGURES, [reminder.organization_id])
        try:
            with transaction.atomic():
                row = DeliveryReminder.objects.create(
                    data_set=data_set,
                    organization_id=reminder.organization_id,
                    period_start=reminder.period_start,
                    kind=reminder.kind,
                    recipients=len(recipients),
                )
        except IntegrityError:
            return False
        version = data_set.current_version()
        deadline = period.deadline(version.deadline_days if version else 42)
        title = message(
            gettext_noop("Deliver %(data_set)s %(period)s: the deadline was %(deadline)s")
            if reminder.kind == ReminderKind.OVERDUE
            else gettext_noop("Deliver %(data_set)s %(period)s by %(deadline)s"),
            data_set=data_set.name_nl,
            period=period.label,
            deadline=deadline,
        )
        notify(
            recipients,
            kind="deliveries.reminder",
            title=title,
            url=reverse("deliveries:deliver", args=[data_set.pk, period.label]),
            email=True,
        )
        audit.record(
            "deliveries.reminder_sent",
            actor=None,
            actor_name="system",
            action=AuditAction.EXECUTE,
            subject=row,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"recipients": len(recipients), "kind": reminder.kind},
        )
    return True
