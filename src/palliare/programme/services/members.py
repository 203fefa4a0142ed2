"""Member organisations: who takes part in the network, the covenant, the contact person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit.constants import AuditAction
from palliare.organizations.models import Organization, Professional

from ..models import MemberOrganization
from .common import ensure, log


def _validate(member: MemberOrganization) -> None:
    if member.left_on is not None and member.left_on <= member.joined_on:
        raise ValidationError({"left_on": _("The leaving date must come after the joining date.")})
    if member.covenant_signed_on is not None and member.covenant_signed_on > dt.date.today():
        raise ValidationError(
            {"covenant_signed_on": _("The covenant cannot be signed in the future.")}
        )
    if member.contribution < 0:
        raise ValidationError({"contribution": _("A contribution cannot be negative.")})


@transaction.atomic
def add_member(
    actor: Actor,
    organization: Organization,
    *,
    joined_on: dt.date,
    covenant_signed_on: dt.date | None = None,
    contact: Professional | None = None,
    contribution: Decimal = Decimal(0),
    note: str = "",
) -> MemberOrganization:
    """Register a directory organisation as a member of the network."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if MemberOrganization.objects.filter(organization=organization).exists():
        raise ValidationError(
            {"organization": _("This organisation is already registered as a member.")}
        )
    member = MemberOrganization(
        organization=organization,
        joined_on=joined_on,
        covenant_signed_on=covenant_signed_on,
        contact=contact,
        contribution=contribution,
        note=note,
    )
    _validate(member)
    member.save()
    log("programme.member_added", actor, member, AuditAction.CREATE)
    return member


@transaction.atomic
def update_member(
    actor: Actor,
    member: MemberOrganization,
    *,
    joined_on: dt.date,
    left_on: dt.date | None,
    covenant_signed_on: dt.date | None,
    contact: Professional | None,
    contribution: Decimal,
    note: str = "",
) -> MemberOrganization:
    """Change a member's dates, covenant, contact or contribution."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    member.joined_on = joined_on
    member.left_on = left_on
    member.covenant_signed_on = covenant_signed_on
    member.contact = contact
    member.contribution = contribution
    member.note = note
    _validate(member)
    member.save()
    log("programme.member_changed", actor, member)
    return member


def is_member(organization: Organization | int, on: dt.date | None = None) -> bool:
    """Whether an organisation takes part in the network on ``on`` (today by default)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return MemberOrganization.objects.current(on).filter(organization_id=org_id).exists()


def public_members() -> list[MemberOrganization]:
    """The participating organisations shown on the public page (active, public or not: the
    network's members are public knowledge), by subregion and name."""
    return list(
        MemberOrganization.objects.current()
        .filter(organization__is_active=True)
        .select_related("organization", "organization__subregion")
        .order_by("organization__subregion__name", "organization__name")
    )
