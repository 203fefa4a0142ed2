"""Register a GP information system that may open Palliare for a patient (SMART EHR launch).

    manage.py register_his --name "HIS De Linde" --issuer https://his.example.nl/fhir \
        --client-id palliare --organization 01234567 [--vouches-second-factor]

Give the HIS Palliare's launch URL (https://<palliare>/launch/) and redirect URI
(https://<palliare>/launch/callback).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.organizations.models import Organization

from ...models import HisSystem


class Command(BaseCommand):
    help = "Register a GP information system that may launch Palliare (SMART App Launch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--issuer", required=True, help="The HIS's FHIR base URL (iss).")
        parser.add_argument("--client-id", required=True, help="Palliare's client id at the HIS.")
        parser.add_argument("--organization", required=True, help="AGB code of the organisation.")
        parser.add_argument(
            "--vouches-second-factor",
            action="store_true",
            help="The HIS logs its users in with two factors (e.g. the UZI pass).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(agb_code=options["organization"]).first()
        if org is None:
            raise CommandError(f"No organisation with AGB code {options['organization']}.")
        his = HisSystem(
            name=options["name"],
            issuer=options["issuer"].rstrip("/"),
            client_id=options["client_id"],
            organization=org,
            vouches_second_factor=options["vouches_second_factor"],
        )
        try:
            his.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        his.save()
        audit.record(
            "launch.his_registered",
            actor=None,
            actor_name="manage.py register_his",
            action=AuditAction.CREATE,
            subject=his,
            purpose=AuditPurpose.ADMINISTRATION,
            details={"issuer": his.issuer, "vouches_second_factor": his.vouches_second_factor},
        )
        self.stdout.write(f"Registered {his.name} ({his.issuer}).")
