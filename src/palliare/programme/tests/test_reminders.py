"""Work-plan and progress-report reminders go out on schedule, not only when someone presses a
button: 14 and 3 days before the deadline and once after it, each step once per member and
round (recorded), never twice a day, never to a member that delivered, never for a round long
past; the daily command queues the run and a second run sends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from palliare.audit.models import AuditEvent
from palliare.notifications.models import Notification
from palliare.programme import services, tasks
from palliare.programme.constants import ReminderStep, RoundKind
from palliare.programme.factories import MemberOrganizationFactory
from palliare.programme.models import Reminder

from .conftest import days

pytestmark = pytest.mark.django_db


def _round(world, due_in: int, title: str = "Voortgangsrapportage 2026"):
    return services.create_round(
        world.coordinator,
        kind=RoundKind.PROGRESS_REPORT,
        title=title,
        year=2026,
        due_on=days(due_in),
    )


@pytest.mark.parametrize(
    ("due_in", "step"),
    [
        (30, None),
        (15, None),
        (14, ReminderStep.BEFORE_14),
        (10, ReminderStep.BEFORE_14),
        (4, ReminderStep.BEFORE_14),
        (3, ReminderStep.BEFORE_3),
        (0, ReminderStep.BEFORE_3),
        (-1, ReminderStep.OVERDUE),
        (-30, ReminderStep.OVERDUE),
        (-31, None),
    ],
)
def test_step_due(due_in, step):
    today = dt.date(2026, 6, 1)
    assert services.reminders.step_due(today + dt.timedelta(days=due_in), today) == step


def test_schedule_reminds_each_step_once(world, django_capture_on_commit_callbacks):
    round_ = _round(world, 20)
    start = days(0)

    def run(offset: int) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.send_reminders_due.call((start + dt.timedelta(days=offset)).isoformat())

    assert run(0) == 0  # 20 days ahead: nothing yet
    assert run(6) == 1  # 14 days before
    assert run(6) == 0  # the same day again
    assert run(7) == 0  # 13 days before: the step went already
    assert run(17) == 1  # 3 days before
    assert run(18) == 0
    assert run(21) == 1  # overdue
    assert run(25) == 0
    steps = list(
        Reminder.objects.filter(round=round_).order_by("sent_on").values_list("step", flat=True)
    )
    assert steps == [ReminderStep.BEFORE_14, ReminderStep.BEFORE_3, ReminderStep.OVERDUE]
    titles = list(
        Notification.objects.filter(kind="programme.reminder")
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert len(titles) == 3
    assert all(t.startswith("Herinnering") for t in titles), titles
    assert "verstreken" in titles[-1]
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(event_type="programme.reminder_sent").count() == 3


def test_delivered_members_and_old_rounds_are_left_out(world):
    soon = _round(world, 3)
    other = MemberOrganizationFactory(organization=world.nursing, contact=None)
    services.deliver(world.contact, soon, world.member, note="Ingeleverd")
    _round(world, -60, title="Werkplannen 2025")
    assert services.reminders_due() == []
    assert other.pk  # a member without a contact gets nothing either


def test_manual_reminder_today_counts_for_the_day(world):
    round_ = _round(world, 3)
    assert services.send_reminders(world.coordinator, round_) == 1
    assert tasks.send_reminders_due.call(days(0).isoformat()) == 0  # not twice on one day
    assert tasks.send_reminders_due.call(days(1).isoformat()) == 1  # the step tomorrow
    assert Reminder.objects.filter(round=round_).count() == 2


def test_daily_command_queues_the_run(world):
    _round(world, 14)
    call_command("send_programme_reminders", "--dry-run", stdout=(out := _Out()))
    assert "1 reminders due" in out.text
    assert not Reminder.objects.exists()
    call_command("send_programme_reminders", stdout=(out := _Out()))
    assert "1 due" in out.text
    assert Reminder.objects.get().step == ReminderStep.BEFORE_14
    call_command("send_programme_reminders", stdout=_Out())
    assert Reminder.objects.count() == 1


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
