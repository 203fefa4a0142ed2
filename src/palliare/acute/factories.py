"""Test data for emergency access."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from palliare.accounts.factories import UserFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.factories import PatientFactory

from .constants import EmergencyReason
from .models import EmergencyAccess


class EmergencyAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyAccess

    patient = factory.SubFactory(PatientFactory, marked=True)
    user = factory.SubFactory(UserFactory)
    user_name = "Dokter Nacht"
    organization = factory.SubFactory(
        OrganizationFactory, type=OrganizationType.OUT_OF_HOURS_GP_POST
    )
    organization_name = factory.SelfAttribute("organization.name")
    role = "out_of_hours_gp"
    reason_code = EmergencyReason.UNABLE_TO_CONSENT
    reason = "Patiënt is niet aanspreekbaar, familie niet bereikbaar."
    started_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=4))

    class Params:
        expired = factory.Trait(
            started_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=5)),
            expires_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1)),
        )
