"""Tell lead practitioners and GP practices of the emergency accesses to their patients that
are due (the next working day) and not yet told. Run daily (cron or a systemd timer), after
08:00; the task backend also runs each one when due where it can wait (database backend)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from palliare.acute import services


class Command(BaseCommand):
    help = "Notify practices of due emergency accesses to their patients (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        told = services.notify_due_practices()
        self.stdout.write(f"{told} emergency access(es) told to the practice.")
