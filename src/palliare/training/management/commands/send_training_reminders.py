"""Queue reminders for training sessions starting within two days (run from cron, e.g. hourly).

Each participant is reminded once; running the command more often changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from palliare.training import services, tasks


class Command(BaseCommand):
    help = "Queue reminders for training sessions starting soon (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        due = services.sessions_to_remind()
        for session_id in due:
            tasks.remind_session.enqueue(session_id=session_id)
        self.stdout.write(f"Queued reminders for {len(due)} sessions.")
