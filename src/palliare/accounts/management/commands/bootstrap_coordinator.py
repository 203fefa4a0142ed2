"""Create the first network coordinator of a new installation (production set-up).

Prints a one-time password; the coordinator sets up two-factor login at first login and then
maintains the directory, roles and accounts in the administration screens.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from palliare.accounts import services
from palliare.accounts.models import Role, User
from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import Discipline, OrganizationType
from palliare.organizations.models import Organization, Professional


class Command(BaseCommand):
    help = "Create the network office and its first network coordinator account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--given-name", required=True)
        parser.add_argument("--family-name", required=True)
        parser.add_argument("--network", required=True, help="Name of the network office.")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"User {options['username']!r} already exists.")
        services.sync_default_roles()
        password = secrets.token_urlsafe(18)
        with transaction.atomic():
            office, _ = Organization.objects.get_or_create(
                name=options["network"], defaults={"type": OrganizationType.NETWORK_OFFICE}
            )
            user = User.objects.create_user(
                username=options["username"],
                email=options["email"],
                password=password,
                first_name=options["given_name"],
                last_name=options["family_name"],
            )
            professional = Professional.objects.create(
                user=user,
                given_name=options["given_name"],
                family_name=options["family_name"],
                discipline=Discipline.COORDINATOR,
                email=options["email"],
            )
            services.grant_membership(
                professional,
                office,
                Role.objects.get(code=RoleCode.NETWORK_COORDINATOR),
                actor=None,
            )
        self.stdout.write(
            f"Created network coordinator {user.username!r} for {office.name!r}.\n"
            f"One-time password: {password}\n"
            "Log in, set up two-factor login, then change this password."
        )
