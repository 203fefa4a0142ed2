"""Test data for the programme, with traits for common states."""

from __future__ import annotations

import datetime as dt

import factory

from palliare.organizations.factories import OrganizationFactory

from .constants import BodyKind, DeliverableStatus, Phase
from .models import Body, Decision, Deliverable, MemberOrganization, MilestoneKpi


class MemberOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberOrganization

    organization = factory.SubFactory(OrganizationFactory)
    joined_on = dt.date(2021, 1, 1)
    covenant_signed_on = dt.date(2021, 3, 1)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("code",)

    kind = BodyKind.STEERING_GROUP
    name = "Stuurgroep"
    code = "sg"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    body = factory.SubFactory(BodyFactory)
    decided_on = dt.date(2025, 12, 16)
    year = factory.LazyAttribute(lambda d: d.decided_on.year)
    number = factory.Sequence(lambda n: n + 1)
    title = "Besluit"
    recorded_by_name = "Test"


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    action_line = None
    phase = Phase.WORKBOOK
    title = factory.Sequence(lambda n: f"Product {n}")
    starts_on = dt.date(2025, 2, 1)
    due_on = dt.date(2025, 12, 1)

    class Params:
        adopted = factory.Trait(
            status=DeliverableStatus.ADOPTED,
            current_version=1,
            submitted_on=dt.date(2025, 11, 1),
            decision=factory.SubFactory(DecisionFactory),
        )
        submitted = factory.Trait(
            status=DeliverableStatus.SUBMITTED, current_version=1, submitted_on=dt.date(2025, 11, 1)
        )


class MilestoneKpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneKpi
        django_get_or_create = ("phase",)

    number = 7
    title = "Zorginhoudelijke kaders opgeleverd"
    phase = Phase.FRAMEWORKS
    due_on = dt.date(2025, 12, 31)
