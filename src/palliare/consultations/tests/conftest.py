"""Fixtures of the consultation tests: a subregion with a postcode area and a complete rota."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from palliare.consultations.factories import (
    ConsultationTeamFactory,
    SpecialistMembershipFactory,
    full_coverage,
)
from palliare.organizations.factories import (
    MunicipalityFactory,
    PostcodeAreaFactory,
    SubregionFactory,
)

TZ = ZoneInfo("Europe/Amsterdam")


def local(day: str, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TZ)


@dataclass
class Rota:
    subregion: object
    area: object
    office_team: object
    anw_team: object
    specialist: object  # membership of a specialist in the office team
    slots: list


@pytest.fixture
def rota(db) -> Rota:
    subregion = SubregionFactory(name="Noordmidden Drenthe", code="noordmidden")
    municipality = MunicipalityFactory(name="Assen", subregion=subregion)
    area = PostcodeAreaFactory(pc4="9401", municipality=municipality, place="Assen")
    office = ConsultationTeamFactory(
        name="Consultatieteam Assen", subregion=subregion, phone="0592 111 111"
    )
    anw = ConsultationTeamFactory(name="ANW-team Regio", subregion=None, phone="0592 999 999")
    specialist = SpecialistMembershipFactory(organization=office)
    slots = full_coverage(subregion, office_team=office, anw_team=anw)
    return Rota(subregion, area, office, anw, specialist, slots)
