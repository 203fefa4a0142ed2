"""Generate a realistic, reproducible synthetic population (fictional) across the region."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.patients.synthetic import SyntheticDataError, generate


class Command(BaseCommand):
    help = "Create N synthetic patients with markings, signals, care teams and deaths."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--allow-without-demo-mode",
            action="store_true",
            help="Also outside demo mode (a benchmark database). Never on real data: synthetic "
            "BSNs pass the 11-test and could collide with real citizens.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE and not options["allow_without_demo_mode"]:
            raise CommandError(
                "Synthetic patients are for demo and benchmark databases only. Run with "
                "DEMO_MODE=true, or pass --allow-without-demo-mode for a benchmark database."
            )
        started = time.monotonic()
        try:
            run = generate(options["patients"], seed=options["seed"])
        except SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{k}: {v}" for k, v in run.counts.items())
        self.stdout.write(f"Generated in {elapsed:.1f} s — {summary}")
