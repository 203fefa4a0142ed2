"""Register a FHIR API client for an organisation and print its credentials as JSON.

    manage.py create_api_client --name "HIS De Linde" --organization 01234567 \
        --scopes "system/*.read system/*.write"

The secret is printed once and stored only as a hash.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.organizations.models import Organization

from ...auth import create_api_client
from ...scopes import ScopeSet


class Command(BaseCommand):
    help = "Create a FHIR API client (client credentials) for an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Name of the client system.")
        parser.add_argument(
            "--organization",
            required=True,
            help="AGB code of the organisation the client acts for.",
        )
        parser.add_argument(
            "--scopes",
            default="system/*.read",
            help='Space-separated SMART scopes, e.g. "system/*.read system/*.write".',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(agb_code=options["organization"]).first()
        if org is None:
            raise CommandError(f"No organisation with AGB code {options['organization']}.")
        if not ScopeSet.valid(options["scopes"]) or not options["scopes"].split():
            raise CommandError("Scopes must look like system/*.read or system/Patient.write.")
        client, secret = create_api_client(options["name"], org, options["scopes"])
        self.stdout.write(json.dumps({"client_id": client.client_id, "client_secret": secret}))
