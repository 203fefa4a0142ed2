"""Generate a realistic, reproducible synthetic population (fictional) across the region."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.patients.synthetic import SyntheticDataError, generate


class Command(BaseCommand):
    help = "Create N synthetic patients with markings, signals, care teams and deaths."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            run = generate(options["patients"], seed=options["seed"])
        except SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{k}: {v}" for k, v in run.counts.items())
        self.stdout.write(f"Generated in {elapsed:.1f} s — {summary}")
