"""Remind member organisations of work plans and progress reports due in 14 or 3 days, or
overdue (run daily from cron or a systemd timer).

Each member gets each step of a round once, and at most one reminder of a round a day;
running the command more often changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from palliare.programme import services, tasks


class Command(BaseCommand):
    help = "Queue the daily work-plan and progress-report reminders (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the reminders that are due."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        due = services.reminders_due()
        if options["dry_run"]:
            self.stdout.write(f"{len(due)} reminders due.")
            return
        tasks.send_reminders_due.enqueue()
        self.stdout.write(f"Queued the reminder run ({len(due)} due).")
