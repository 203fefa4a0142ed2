"""Verify the hash chain of the access log; exit 1 naming the first broken row."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from palliare.audit import services


class Command(BaseCommand):
    help = "Verify that no access-log row was altered, inserted or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.verify_chain()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Access log intact: {report.checked} events."))
            return
        self.stderr.write(
            self.style.ERROR(
                f"Access log BROKEN after {report.checked} intact events: {report.broken}"
            )
        )
        sys.exit(1)
