"""Test data for the rota and consultation requests, with traits for common states."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from palliare.accounts.factories import UserFactory, role
from palliare.accounts.permissions import RoleCode
from palliare.organizations.constants import Discipline, OrganizationType
from palliare.organizations.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProfessionalFactory,
    RegionFactory,
    SubregionFactory,
)

from .constants import (
    ALL_WEEKDAYS_MASK,
    HOLIDAY_BIT,
    AgeGroup,
    ConsultationStatus,
    DiagnosisGroup,
    Dimension,
    SlotKind,
    Urgency,
)
from .models import ConsultationAdvice, ConsultationRequest, DatedSlot, WeeklySlot

MON_FRI = 0b0011111
SAT_SUN = 0b1100000


class ConsultationTeamFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Consultatieteam {n}")
    type = OrganizationType.CONSULTATION_TEAM
    phone = factory.Sequence(lambda n: f"0592 {100 + n % 900:03d} 000")
    email = factory.Sequence(lambda n: f"team{n}@example.invalid")


class SpecialistMembershipFactory(MembershipFactory):
    """A palliative care specialist in a consultation team."""

    organization = factory.SubFactory(ConsultationTeamFactory)
    role = factory.LazyFunction(lambda: role(RoleCode.PALLIATIVE_SPECIALIST))
    professional = factory.SubFactory(ProfessionalFactory, discipline=Discipline.NURSE_SPECIALIST)


class WeeklySlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklySlot

    region = factory.LazyAttribute(lambda o: o.subregion.region if o.subregion else RegionFactory())
    subregion = factory.SubFactory(SubregionFactory)
    kind = SlotKind.OFFICE_HOURS
    team = factory.SubFactory(ConsultationTeamFactory)
    days = MON_FRI
    start_time = dt.time(8, 0)
    end_time = dt.time(17, 0)

    class Params:
        office_hours = factory.Trait(
            kind=SlotKind.OFFICE_HOURS, days=MON_FRI, start_time=dt.time(8), end_time=dt.time(17)
        )
        region_wide = factory.Trait(subregion=None, region=factory.SubFactory(RegionFactory))
        evenings = factory.Trait(
            kind=SlotKind.OUT_OF_HOURS, days=MON_FRI, start_time=dt.time(17), end_time=dt.time(0)
        )
        nights = factory.Trait(
            kind=SlotKind.OUT_OF_HOURS, days=MON_FRI, start_time=dt.time(0), end_time=dt.time(8)
        )
        weekends_and_holidays = factory.Trait(
            kind=SlotKind.OUT_OF_HOURS,
            days=SAT_SUN | HOLIDAY_BIT,
            start_time=dt.time(0),
            end_time=dt.time(0),
        )
        always = factory.Trait(
            kind=SlotKind.OUT_OF_HOURS,
            days=ALL_WEEKDAYS_MASK | HOLIDAY_BIT,
            start_time=dt.time(0),
            end_time=dt.time(0),
        )


class DatedSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DatedSlot

    region = factory.LazyAttribute(lambda o: o.subregion.region if o.subregion else RegionFactory())
    subregion = factory.SubFactory(SubregionFactory)
    kind = SlotKind.OFFICE_HOURS
    team = factory.SubFactory(ConsultationTeamFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))
    start_time = dt.time(8, 0)
    end_time = dt.time(17, 0)


def full_coverage(subregion, *, office_team=None, anw_team=None):
    """Office hours for ``subregion`` and out of hours region-wide: no gaps, no overlaps."""
    office_team = office_team or ConsultationTeamFactory(subregion=subregion)
    anw_team = anw_team or ConsultationTeamFactory(subregion=None)
    region = subregion.region
    return [
        WeeklySlotFactory(subregion=subregion, team=office_team, office_hours=True),
        WeeklySlotFactory(subregion=None, region=region, team=anw_team, evenings=True),
        WeeklySlotFactory(subregion=None, region=region, team=anw_team, nights=True),
        WeeklySlotFactory(subregion=None, region=region, team=anw_team, weekends_and_holidays=True),
    ]


class ConsultationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationRequest

    urgency = Urgency.TODAY
    dimension = Dimension.PHYSICAL
    question = "Pijn ondanks oxycodon; advies over ophogen of rotatie?"
    age_group = AgeGroup.AGE_75_84
    diagnosis_group = DiagnosisGroup.CANCER
    subregion = factory.SubFactory(SubregionFactory)
    team = factory.SubFactory(ConsultationTeamFactory)
    requested_by = factory.SubFactory(UserFactory, with_device=True)
    created_at = factory.LazyFunction(timezone.now)
    respond_by = factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(hours=8))

    class Params:
        accepted = factory.Trait(
            status=ConsultationStatus.ACCEPTED,
            accepted_at=factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(minutes=20)),
            time_to_first_response=dt.timedelta(minutes=20),
        )
        closed = factory.Trait(
            status=ConsultationStatus.CLOSED,
            accepted_at=factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(minutes=20)),
            time_to_first_response=dt.timedelta(minutes=20),
            closed_at=factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(hours=2)),
        )


class ConsultationAdviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationAdvice

    request = factory.SubFactory(ConsultationRequestFactory, accepted=True)
    version = 1
    text = "Start met een lage dosis; evalueer na 24 uur."
    author = factory.SubFactory(UserFactory)
    author_name = factory.LazyAttribute(lambda o: str(o.author))
