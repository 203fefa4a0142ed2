"""Factories of engagement."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from palliare.organizations.factories import MunicipalityFactory

from .constants import Audience, EventKind
from .models import Event, NewsletterList, Subscriber


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3)),
        )

    title = factory.Sequence(lambda n: f"Dood uit de Pot-avond {n}")
    kind = EventKind.DOOD_UIT_DE_POT
    description = "Een avond over de dood, met een hapje en een drankje."
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    venue = "Dorpshuis De Brink"
    municipality = factory.SubFactory(MunicipalityFactory)
    places = 30


class NewsletterListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterList

    name = factory.Sequence(lambda n: f"Nieuwsbrief {n}")
    audience = Audience.INHABITANTS


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"lezer{n}@example.org")
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lists(self, create: bool, extracted: list[NewsletterList] | None, **kwargs: object) -> None:
        if create and extracted:
            self.lists.set(extracted)
