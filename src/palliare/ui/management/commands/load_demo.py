"""Load the fictional demo region (only in demo mode). Safe to run again: loaders skip what
already exists."""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from palliare.ui import demo


class Command(BaseCommand):
    help = "Load the fictional demo region, organisations, people and accounts (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data can only be loaded with DEMO_MODE=true (never in production)."
            )
        for loader in demo.loaders():
            rng = random.Random(f"{options['seed']}-{loader.name}")
            with transaction.atomic():
                summary = loader.load(rng)
            self.stdout.write(f"{loader.name}: {summary}")
