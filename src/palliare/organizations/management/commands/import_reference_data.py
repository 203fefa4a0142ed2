"""Load municipalities and PC4 postcode areas from the public reference data (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.organizations.models import PostcodeArea
from palliare.organizations.reference_data import ReferenceDataError, import_reference_data


class Command(BaseCommand):
    help = "Import CBS municipalities and PC4 areas (all-or-nothing, idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            type=Path,
            default=None,
            help="Folder holding derived/*.csv (default: REFERENCE_DATA_DIR, ../shared/data "
            "or the vendored reference-data/).",
        )
        parser.add_argument(
            "--skip-if-loaded",
            action="store_true",
            help="Do nothing when postcode areas are already loaded (fast restarts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["skip_if_loaded"] and PostcodeArea.objects.exists():
            self.stdout.write("Reference data already loaded.")
            return
        try:
            result = import_reference_data(options["source"])
        except ReferenceDataError as exc:
            shown = exc.problems[:20]
            more = len(exc.problems) - len(shown)
            lines = "\n".join(f"  {p}" for p in shown)
            suffix = f"\n  … and {more} more problems" if more > 0 else ""
            raise CommandError(
                f"Reference data not imported; nothing was changed.\n{lines}{suffix}"
            ) from exc
        self.stdout.write(
            f"Reference data from {result.source}: municipalities "
            f"{result.municipalities_created} new, {result.municipalities_updated} updated; "
            f"postcode areas {result.areas_created} new, {result.areas_updated} updated."
        )
        if result.areas_without_municipality:
            self.stdout.write(
                f"{len(result.areas_without_municipality)} postcode areas have a municipality "
                "code not in the 2023 list and are kept without municipality: "
                + ", ".join(result.areas_without_municipality[:10])
            )
