"""Register a FHIR API client for an organisation and print its credentials as JSON.

    manage.py create_api_client --name "HIS De Linde" --organization 01234567 \
        --scopes "system/*.read system/*.write"

The secret is printed once and stored only as a hash. A client that authenticates with a
signed JWT (SMART Backend Services ``private_key_jwt``) registers its public keys instead and
gets no secret:

    manage.py create_api_client ... --jwks-file his-public-keys.json
    manage.py create_api_client ... --jwks-url https://his.example.nl/.well-known/jwks.json
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
        keys = parser.add_mutually_exclusive_group()
        keys.add_argument(
            "--jwks-file",
            help="A JSON file with the client's public JWK Set (private_key_jwt, RS384/ES384).",
        )
        keys.add_argument(
            "--jwks-url", default="", help="Where the client publishes its JWK Set (https)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(agb_code=options["organization"]).first()
        if org is None:
            raise CommandError(f"No organisation with AGB code {options['organization']}.")
        if not ScopeSet.valid(options["scopes"]) or not options["scopes"].split():
            raise CommandError("Scopes must look like system/*.read or system/Patient.write.")
        jwks = None
        if options["jwks_file"]:
            try:
                with open(options["jwks_file"], encoding="utf-8") as handle:
                    jwks = json.load(handle)
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the JWK Set: {exc}") from None
        try:
            client, secret = create_api_client(
                options["name"], org, options["scopes"], jwks=jwks, jwks_url=options["jwks_url"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        credentials = {"client_id": client.client_id}
        if secret:
            credentials["client_secret"] = secret
        else:
            credentials["token_endpoint_auth_method"] = "private_key_jwt"  # noqa: S105 (a method name)
        self.stdout.write(json.dumps(credentials))
