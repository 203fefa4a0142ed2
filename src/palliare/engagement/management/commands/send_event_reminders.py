"""Queue the reminder for public events starting within 36 hours (run from cron, e.g. hourly).
Each attendee is reminded once; running it more often changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from palliare.engagement import tasks
from palliare.engagement.services import events


class Command(BaseCommand):
    help = "Queue reminders for public events starting soon (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        due = events.events_to_remind()
        for event_id in due:
            tasks.remind_event.enqueue(event_id=event_id)
        self.stdout.write(f"Queued reminders for {len(due)} events.")
