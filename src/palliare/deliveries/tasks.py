"""Background work of deliveries. Tasks take primitive values, are idempotent and call services.

``send_delivery_reminders`` runs daily (``manage.py send_delivery_reminders`` from cron, or
the scheduler of the deployment); running it twice on a day sends nothing twice, because
each reminder is a unique ``DeliveryReminder`` row.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from . import services


@task()
def send_delivery_reminders(today: str | None = None) -> int:
    """Send every reminder due today (``today`` as ISO date, for tests); returns how many."""
    day = dt.date.fromisoformat(today) if today else None
    return sum(1 for due in services.reminders_due(day) if services.send_reminder(due))
