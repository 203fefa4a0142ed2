"""A small world for the meeting tests: a GP practice with its core team (district nursing as
member, a coordinator), a palliative care specialist to invite, another practice, patients."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.meetings.factories import CoreTeamFactory
from palliare.meetings.models import CoreTeamMember
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import CareTeamRole


@pytest.fixture
def world(make_actor):
    practice = OrganizationFactory(
        type=OrganizationType.GP_PRACTICE, name="Huisartsenpraktijk Test"
    )
    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING, name="Wijkzorg Test")
    consult = OrganizationFactory(type=OrganizationType.CONSULTATION_TEAM, name="Consultteam")
    other_practice = OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Andere praktijk")
    coordinator = make_actor(RoleCode.CORE_TEAM_COORDINATOR, organization=practice)
    team = CoreTeamFactory(
        name="Kernteam Test",
        practice=practice,
        coordinator=coordinator.membership.professional,
    )
    CoreTeamMember.objects.create(
        core_team=team, organization=nursing, role=CareTeamRole.DISTRICT_NURSE
    )
    return SimpleNamespace(
        practice=practice,
        nursing=nursing,
        consult=consult,
        other_practice=other_practice,
        team=team,
        coordinator=coordinator,
        gp=make_actor(RoleCode.GP, organization=practice),
        poh=make_actor(RoleCode.PRACTICE_NURSE, organization=practice),
        nurse=make_actor(RoleCode.DISTRICT_NURSE, organization=nursing),
        specialist=make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=consult),
        other_gp=make_actor(RoleCode.GP, organization=other_practice),
        hap=make_actor(RoleCode.OUT_OF_HOURS_GP),
    )


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def at(days: int, hour: int = 12) -> dt.datetime:
    """An aware datetime ``days`` from today (negative: in the past), local time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))
