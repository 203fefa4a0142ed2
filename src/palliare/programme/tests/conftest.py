"""A small world for the programme tests: a coordinator, a programme-team member, a steering
group member, a member organisation with its contact (business controller), an outsider."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory, SubregionFactory
from palliare.programme.factories import BodyFactory, MemberOrganizationFactory


@pytest.fixture
def world(make_actor):
    office = OrganizationFactory(type=OrganizationType.NETWORK_OFFICE, name="Netwerkbureau")
    north = SubregionFactory(name="Noordmidden Drenthe", code="nmd")
    south = SubregionFactory(name="Zuidoost Drenthe", code="zod")
    hospice = OrganizationFactory(
        type=OrganizationType.HOSPICE, name="Hospice De Linde", subregion=north
    )
    nursing = OrganizationFactory(
        type=OrganizationType.DISTRICT_NURSING, name="Thuiszorg Zuid", subregion=south
    )
    outsider_org = OrganizationFactory(type=OrganizationType.PHARMACY, name="Apotheek Buiten")
    contact = make_actor(RoleCode.BUSINESS_CONTROLLER, organization=hospice)
    member = MemberOrganizationFactory(
        organization=hospice, contact=contact.membership.professional
    )
    return SimpleNamespace(
        office=office,
        north=north,
        south=south,
        hospice=hospice,
        nursing=nursing,
        outsider_org=outsider_org,
        member=member,
        coordinator=make_actor(RoleCode.NETWORK_COORDINATOR, organization=office),
        team=make_actor(RoleCode.PROGRAMME_TEAM, organization=office),
        steering=make_actor(RoleCode.STEERING_GROUP, organization=office),
        contact=contact,
        other_contact=make_actor(RoleCode.BUSINESS_CONTROLLER, organization=nursing),
        gp=make_actor(RoleCode.GP),
        steering_group=BodyFactory(),
    )


def days(n: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=n)
