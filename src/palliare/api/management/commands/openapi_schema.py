"""Write or check the committed OpenAPI schema (docs/api/openapi.yaml).

manage.py openapi_schema          write the file
manage.py openapi_schema --check  exit 1 when the file differs from the code (CI)
"""

from __future__ import annotations

import difflib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.api import schema


class Command(BaseCommand):
    help = "Write docs/api/openapi.yaml from the code, or --check that it is up to date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail when the file drifted.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = schema.as_yaml(schema.generate())
        path = schema.committed_path()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                diff = "".join(
                    list(
                        difflib.unified_diff(
                            current.splitlines(keepends=True),
                            text.splitlines(keepends=True),
                            str(path),
                            "generated",
                        )
                    )[:80]
                )
                raise CommandError(
                    f"{path} is out of date; run `manage.py openapi_schema`.\n{diff}"
                )
            self.stdout.write(f"{path} is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
