"""Remind facilities whose bed status is older than 24 hours (run from cron, e.g. hourly).

Each facility gets at most one reminder per 24 hours while its status stays stale; running the
command more often changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from palliare.capacity import services, tasks


class Command(BaseCommand):
    help = "Queue a reminder for every facility whose bed status is stale (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list the facilities that are due."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        due = services.facilities_to_remind()
        if options["dry_run"]:
            self.stdout.write(f"{len(due)} facilities due for a reminder: {due[:50]}")
            return
        for facility_id in due:
            tasks.remind_stale_facility.enqueue(facility_id=facility_id)
        self.stdout.write(f"Queued {len(due)} reminders.")
