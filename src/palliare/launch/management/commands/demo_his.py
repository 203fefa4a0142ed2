"""Play the GP information system of the demo practice, to try the launch from the HIS:

    DEMO_MODE=true .venv/bin/python manage.py demo_his [--port 8765] [--palliare http://127.0.0.1:8000]

It registers itself as the HIS of Huisartsenpraktijk De Lindehoeve (the demo GP ``huisarts``
is its logged-in user, and it vouches for both factors), serves on 127.0.0.1 and prints a
launcher page per patient: open one and click "Palliare openen". The last patient is not in
Palliare yet, so the launch ends on the registration form filled in from the HIS.
Demo mode only.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palliare.accounts.models import User
from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Professional
from palliare.patients.models import Patient
from palliare.patients.validators import make_bsn

from ...demo_his import CLIENT_ID, FakeHis, nl_core_patient, practitioner
from ...models import HisSystem


class Command(BaseCommand):
    help = "Run a small demo GP information system that launches Palliare (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--palliare", default="http://127.0.0.1:8000")
        parser.add_argument("--username", default="huisarts", help="The demo GP at the HIS.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo_his runs in demo mode only (DEMO_MODE=true).")
        user = User.objects.filter(username=options["username"]).first()
        professional = Professional.objects.filter(user=user).first() if user else None
        membership = (
            professional.memberships.select_related("organization")
            .filter(organization__type=OrganizationType.GP_PRACTICE)
            .first()
            if professional
            else None
        )
        if professional is None or membership is None:
            raise CommandError("Load the demo region first (make run or prepare_demo).")
        his = FakeHis(palliare_url=options["palliare"].rstrip("/"), port=options["port"]).start()
        HisSystem.objects.update_or_create(
            issuer=his.base,
            defaults={
                "name": "Demo-HIS",
                "client_id": CLIENT_ID,
                "organization": membership.organization,
                "vouches_second_factor": True,
                "is_active": True,
            },
        )
        his.practitioners["p1"] = practitioner(
            big=professional.big_number, agb=professional.agb_code
        )
        patients = Patient.objects.filter(
            gp_practice=membership.organization, date_of_death__isnull=True
        ).order_by("family_name")[:5]
        for number, patient in enumerate(patients, start=1):
            his.patients[f"his-{number}"] = nl_core_patient(
                patient.bsn,
                given=patient.given_name or "Onbekend",
                family=patient.family_name,
                prefix=patient.family_name_prefix,
                born=patient.date_of_birth.isoformat(),
            )
        new_bsn = next(
            bsn
            for bsn in (make_bsn(990_000_000 + n) for n in range(1, 10_000))
            if not Patient.objects.filter(bsn=bsn).exists()
        )
        his.patients["his-new"] = nl_core_patient(
            new_bsn, given="Wilhelmina", family="Zonderplan", born="1941-06-30"
        )
        launcher = his.base.removesuffix("/fhir")
        self.stdout.write(f"Demo-HIS for {membership.organization} on {launcher}")
        for patient_id, resource in his.patients.items():
            family = resource["name"][0]["family"]
            self.stdout.write(f"  {family:<30} {launcher}/launcher?patient={patient_id}")
        self.stdout.write("Ctrl-C stops it.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            his.stop()
