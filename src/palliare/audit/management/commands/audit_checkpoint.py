"""Append a signed checkpoint of the access log's chain head to the checkpoint file and the log
stream. Run it periodically (a systemd timer or cron, e.g. every 15 minutes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from palliare.audit import checkpoints


class Command(BaseCommand):
    help = "Write a signed checkpoint of the access log's chain head (ship the file elsewhere)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=None,
            help="Checkpoint file to append to (default: AUDIT_CHECKPOINT_FILE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or Path(settings.AUDIT_CHECKPOINT_FILE)
        checkpoint = checkpoints.publish(path)
        self.stdout.write(
            f"Checkpoint #{checkpoint.sequence} {checkpoint.hash[:16]}… at {checkpoint.at} "
            f"(key {checkpoint.key_id}) appended to {path}."
        )
