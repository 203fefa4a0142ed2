"""What `make run` does before serving, in one process: migrate the database, load the
reference data when it is missing, load the demo region. One Django start-up instead of three
keeps a second `make run` fast."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Migrate, load reference data if missing and load the demo region (demo mode only): "
        "the set-up step of `make run`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data can only be loaded with DEMO_MODE=true (never in production)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("import_reference_data", skip_if_loaded=True, stdout=self.stdout)
        call_command("load_demo", seed=options["seed"], stdout=self.stdout)
