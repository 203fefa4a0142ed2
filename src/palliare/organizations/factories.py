"""Test data for the directory, with traits for common organisation types."""

from __future__ import annotations

import factory

from palliare.accounts.factories import PlainNameFaker, UserFactory, role

from .constants import Discipline, OrganizationType
from .models import (
    Location,
    Membership,
    Municipality,
    Organization,
    PostcodeArea,
    Professional,
    Region,
    Subregion,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "test-region"
    name = "Testregio"


class SubregionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subregion
        django_get_or_create = ("code",)

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"sub{n}")
    name = factory.Sequence(lambda n: f"Subregio {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("gm_code",)

    gm_code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Gemeente {n}")
    province_code = "PV22"
    province = "Drenthe"
    subregion = factory.SubFactory(SubregionFactory)


class PostcodeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeArea
        django_get_or_create = ("pc4",)

    pc4 = factory.Sequence(lambda n: f"{9400 + n % 500}")
    municipality = factory.SubFactory(MunicipalityFactory)
    place = "Assen"
    latitude = 52.99
    longitude = 6.56
    population = 5000


def demo_postcode_areas(*extra: str) -> None:
    """The PC4 areas the directory demo's organisations stand in (reference data is not
    loaded in tests), plus ``extra`` ones another demo loader needs."""
    from .demo import ORGANIZATIONS

    for pc4 in sorted({org.postcode.replace(" ", "")[:4] for org in ORGANIZATIONS} | set(extra)):
        PostcodeAreaFactory(pc4=pc4)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    type = OrganizationType.GP_PRACTICE
    agb_code = factory.Sequence(lambda n: f"{10000000 + n}")
    subregion = factory.SubFactory(SubregionFactory)
    phone = "0592 123 456"

    class Params:
        gp_practice = factory.Trait(type=OrganizationType.GP_PRACTICE)
        hospice = factory.Trait(type=OrganizationType.HOSPICE, is_public=True)
        out_of_hours = factory.Trait(type=OrganizationType.OUT_OF_HOURS_GP_POST)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organization = factory.SubFactory(OrganizationFactory)
    street = "Teststraat"
    house_number = "1"
    postcode = factory.LazyAttribute(lambda o: f"{PostcodeAreaFactory().pc4} AB")
    city = "Assen"


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    user = factory.SubFactory(UserFactory, with_device=True)
    given_name = PlainNameFaker("first_name", locale="nl_NL")
    family_name = PlainNameFaker("last_name", locale="nl_NL")
    discipline = Discipline.GENERAL_PRACTITIONER
    big_number = factory.Sequence(lambda n: f"{19000000000 + n}")
    phone = "0592 654 321"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    professional = factory.SubFactory(ProfessionalFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = factory.LazyFunction(lambda: role("gp"))
