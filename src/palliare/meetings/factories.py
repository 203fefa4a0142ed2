"""Test data for core teams and meetings, with traits for the states a meeting goes through."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from palliare.accounts.factories import PlainNameFaker, UserFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import CareTeamRole
from palliare.patients.factories import PatientFactory

from .constants import MeetingKind, MeetingStatus
from .models import ActionItem, AgendaItem, Attendee, CoreTeam, CoreTeamMember, Meeting


class CoreTeamFactory(factory.django.DjangoModelFactory):
    """A core team; ``practice=org`` makes that GP practice its member."""

    class Meta:
        model = CoreTeam
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kernteam {n}")
    default_location = "Praktijkruimte"

    @factory.post_generation
    def practice(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        org = extracted or OrganizationFactory(type=OrganizationType.GP_PRACTICE)
        CoreTeamMember.objects.create(core_team=self, organization=org, role=CareTeamRole.GP)


class CoreTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoreTeamMember

    core_team = factory.SubFactory(CoreTeamFactory)
    organization = factory.SubFactory(OrganizationFactory, type=OrganizationType.DISTRICT_NURSING)
    role = CareTeamRole.DISTRICT_NURSE


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    core_team = factory.SubFactory(CoreTeamFactory)
    kind = MeetingKind.PATZ
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    location = "Praktijkruimte"

    class Params:
        held = factory.Trait(
            status=MeetingStatus.HELD,
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=14)),
            held_at=factory.LazyFunction(timezone.now),
        )
        prepared = factory.Trait(
            agenda_prepared_at=factory.LazyFunction(timezone.now),
            agenda_since=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(56)),
        )


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    name = PlainNameFaker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"deelnemer{n}@example.invalid")


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory, prepared=True)
    patient = factory.SubFactory(PatientFactory, marked=True)
    section = "newly_marked"
    reasons = factory.LazyAttribute(lambda o: [o.section])
    position = factory.Sequence(lambda n: n + 1)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    agenda_item = factory.SubFactory(AgendaItemFactory)
    meeting = factory.SelfAttribute("agenda_item.meeting")
    patient = factory.SelfAttribute("agenda_item.patient")
    description = "Familiegesprek plannen"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    created_by = factory.SubFactory(UserFactory)
    created_by_name = "Coördinator Test"
