"""Delete names and e-mail addresses of event attendees after ENGAGEMENT_RETENTION_DAYS (run
daily from cron). The deletion is written to the access log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from palliare.engagement import tasks


class Command(BaseCommand):
    help = "Queue the deletion of attendees' personal data past the retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        tasks.purge_attendees.enqueue()
        self.stdout.write("Queued the deletion of attendees' personal data.")
