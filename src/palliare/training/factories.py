"""Factories of training, with traits for the states tests need."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from palliare.organizations.factories import ProfessionalFactory

from .constants import RegistrationStatus
from .models import Course, Registration, Session


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Scholing {n}")
    description = "Gespreksvoering in de palliatieve fase."
    accreditation_points = Decimal("3")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3)),
        )

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    venue = "Zaal De Linde, Assen"
    places = 10
    trainer = "J. de Trainer"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    discipline = factory.LazyAttribute(lambda o: o.professional.discipline)
    status = RegistrationStatus.REGISTERED
