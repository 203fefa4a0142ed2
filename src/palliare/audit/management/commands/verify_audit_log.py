"""Verify the keyed hash chain of the access log, and (``--checkpoints``) that it agrees with
the signed checkpoints kept outside the database; exit 1 naming the first problem."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.audit import checkpoints, services


class Command(BaseCommand):
    help = (
        "Verify that no access-log row was altered, inserted or removed; with --checkpoints, "
        "also that the newest rows were not removed or the log rewritten since a checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            type=Path,
            default=None,
            help="A checkpoint file written by audit_checkpoint (a copy kept elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.verify_chain()
        if not report.ok:
            self.stderr.write(
                self.style.ERROR(
                    f"Access log BROKEN after {report.checked} intact events: {report.broken}"
                )
            )
            sys.exit(1)
        path: Path | None = options["checkpoints"]
        if path is not None:
            try:
                with path.open(encoding="utf-8") as handle:
                    found = checkpoints.read(handle)
            except OSError as exc:
                raise CommandError(f"Cannot read the checkpoint file {path}: {exc}") from exc
            problems = checkpoints.verify_against(found)
            if problems:
                for problem in problems:
                    self.stderr.write(self.style.ERROR(f"Access log BROKEN: {problem}"))
                sys.exit(1)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Access log intact: {report.checked} events, agrees with "
                    f"{len(found)} checkpoints."
                )
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {report.checked} events."))
