"""Test data for the register, with traits for the states a patient goes through."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from palliare.accounts.factories import PlainNameFaker, UserFactory
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory

from .constants import (
    CareTeamRole,
    ConsentScope,
    DiagnosisGroup,
    Dimension,
    SignalSuggestion,
)
from .models import CareTeamMember, Consent, Marking, Patient, Signal
from .validators import make_bsn


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient
        skip_postgeneration_save = True

    bsn = factory.Sequence(lambda n: make_bsn(10_000_000 + n * 7))
    given_name = PlainNameFaker("first_name", locale="nl_NL")
    family_name = PlainNameFaker("last_name", locale="nl_NL")
    date_of_birth = factory.LazyFunction(lambda: dt.date(1942, 3, 14))
    sex = "F"
    gp_practice = factory.SubFactory(OrganizationFactory, type=OrganizationType.GP_PRACTICE)

    class Params:
        marked = factory.Trait(
            marked_since=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(30)),
            diagnosis_group=DiagnosisGroup.CANCER,
            marking=factory.RelatedFactory(
                "palliare.patients.factories.MarkingFactory", factory_related_name="patient"
            ),
        )
        deceased = factory.Trait(
            date_of_death=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(3)),
        )


class MarkingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Marking

    patient = factory.SubFactory(PatientFactory)
    marked_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(30))
    diagnosis_group = DiagnosisGroup.CANCER
    marked_by = factory.SubFactory(UserFactory)
    marked_by_name = "Dr. Test"
    organization = factory.SelfAttribute("patient.gp_practice")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    scope = ConsentScope.CARE_TEAM
    given_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(10))
    recorded_by = factory.SubFactory(UserFactory)
    recorded_by_name = "Dr. Test"


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    patient = factory.SubFactory(PatientFactory)
    organization = factory.SubFactory(OrganizationFactory, type=OrganizationType.DISTRICT_NURSING)
    role = CareTeamRole.DISTRICT_NURSE


class SignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signal

    patient = factory.SubFactory(PatientFactory)
    recipient = factory.SelfAttribute("patient.gp_practice")
    dimension = Dimension.PHYSICAL
    observation = "Meer pijn, slaapt slecht."
    suggestion = SignalSuggestion.CONSIDER_MARKING
    sender = factory.SubFactory(UserFactory)
    sender_name = "Wijkverpleegkundige Test"
    sender_organization = factory.SubFactory(
        OrganizationFactory, type=OrganizationType.DISTRICT_NURSING
    )


def marking_data(**overrides: object) -> dict[str, object]:
    """Valid input for ``services.mark_patient`` (marked today, cancer, surprise question "no");
    ``overrides`` replace single items."""
    data: dict[str, object] = {
        "marked_on": dt.date.today(),
        "diagnosis_group": "cancer",
        "diagnosis": "",
        "note": "",
        "surprise_question": "no",
        "double_surprise_question": "yes",
        "spict_general": [],
        "spict_disease": [],
    }
    data.update(overrides)
    return data
