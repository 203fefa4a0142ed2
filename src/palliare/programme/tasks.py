"""Background work of the programme. Tasks take primitive values, are idempotent and call
services.

``send_reminders_due`` runs daily (``manage.py send_programme_reminders`` from cron or a
systemd timer enqueues it); running it twice on a day sends nothing twice, because each
reminder is a ``Reminder`` row under a unique constraint."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from . import services


@task()
def send_reminders_due(today: str | None = None) -> int:
    """Send every work-plan and progress-report reminder due today (``today`` as ISO date, for
    tests); returns how many went."""
    day = dt.date.fromisoformat(today) if today else None
    return sum(
        1 for due in services.reminders_due(day) if services.send_scheduled_reminder(due, day)
    )
