"""Recompute the marking suggestions from the explainable rules (decision 0041). Idempotent:
run it nightly (or as often as you like); a second run on the same data changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from palliare.patients.suggestions import engine, rules


class Command(BaseCommand):
    help = "Recompute the suggestions to consider marking the palliative phase."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--patient", type=int, action="append", help="only this patient id (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = engine.recompute(options["patient"])
        self.stdout.write(f"Marking suggestions ({rules.config_version()}): {result}")
