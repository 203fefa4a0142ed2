"""Remind organisations of deliveries due soon or overdue (run daily from cron).

Each organisation gets at most one reminder before and one after the deadline of a period;
running the command more often changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from palliare.deliveries import services, tasks


class Command(BaseCommand):
    help = "Queue the daily delivery reminders (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the reminders that are due."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        due = services.reminders_due()
        if options["dry_run"]:
            self.stdout.write(f"{len(due)} reminders due.")
            return
        tasks.send_delivery_reminders.enqueue()
        self.stdout.write(f"Queued the reminder run ({len(due)} due).")
