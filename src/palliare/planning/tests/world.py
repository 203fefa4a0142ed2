"""A hand-worked region for the planning tests: two subregions with CBS deaths, inhabitants by
age, hospice beds in the directory and specialists with departure years. The expected figures
are worked out by hand in ``test_projection.py`` and ``test_services.py``."""

from __future__ import annotations

from dataclasses import dataclass

from palliare.capacity.constants import FacilityKind
from palliare.capacity.factories import FacilityFactory
from palliare.monitoring.models import PopulationFigure
from palliare.organizations.factories import (
    LocationFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PostcodeAreaFactory,
    RegionFactory,
    SubregionFactory,
)
from palliare.organizations.models import Region, Subregion

from ..constants import Qualification
from ..models import Scenario, Specialist

#: The golden scenario: start 2025, share 10%, stay 20 days, occupancy 80%, 50 per 10,000.
GOLDEN = {
    "start_year": "2025",
    "growth_method": "trend",
    "trend_first_year": "2021",
    "trend_last_year": "2023",
    "hospice_share_percent": "10",
    "length_of_stay_days": "20",
    "target_occupancy_percent": "80",
    "specialists_per_10000_deaths": "50",
}


def _facility(subregion: Subregion, pc4: str, kind: str, beds: int) -> None:
    org = OrganizationFactory(hospice=True, subregion=subregion)
    FacilityFactory(
        organization=org,
        location=LocationFactory(organization=org, postcode=f"{pc4} AB"),
        kind=kind,
        beds=beds,
        free=1,
    )


@dataclass
class World:
    region: Region
    north: Subregion
    south: Subregion


def build() -> World:
    """North: CBS deaths 1000, 1100, 1200 in 2021–2023; a hospice of 6 beds and a palliative
    unit of 4 (10 hospice beds), 2 palliative beds in a nursing home; specialists leaving in
    2028, 2032 and never. South: only 2023 (500 deaths); a hospice of 5 beds; one region-wide
    specialist leaving in 2030."""
    region = RegionFactory(code="plan", name="Planregio")
    north = SubregionFactory(region=region, code="plan-north", name="Noord")
    south = SubregionFactory(region=region, code="plan-south", name="Zuid")
    gm_north = MunicipalityFactory(gm_code="GM8001", subregion=north)
    gm_south = MunicipalityFactory(gm_code="GM8002", subregion=south)
    for year, deaths in ((2021, 1000), (2022, 1100), (2023, 1200)):
        PopulationFigure.objects.create(
            gm_code="GM8001", year=year, population=100_000, deaths=deaths
        )
    PopulationFigure.objects.create(gm_code="GM8002", year=2023, population=50_000, deaths=500)
    pc_north = PostcodeAreaFactory(
        pc4="8001", municipality=gm_north, population_by_age={"80-84": 1000, "90-94": 500}
    )
    pc_south = PostcodeAreaFactory(
        pc4="8002", municipality=gm_south, population_by_age={"70-74": 2000}
    )

    _facility(north, pc_north.pc4, FacilityKind.HOSPICE, 6)
    _facility(north, pc_north.pc4, FacilityKind.PALLIATIVE_UNIT, 4)
    _facility(north, pc_north.pc4, FacilityKind.NURSING_HOME, 2)
    _facility(south, pc_south.pc4, FacilityKind.HOSPICE, 5)
    for year in (2028, 2032, None):
        Specialist.objects.create(
            region=region,
            subregion=north,
            name=f"Specialist {year}",
            qualification=Qualification.PHYSICIAN,
            expected_departure_year=year,
        )
    Specialist.objects.create(
        region=region,
        name="Regio",
        qualification=Qualification.NURSE_SPECIALIST,
        expected_departure_year=2030,
    )
    return World(region=region, north=north, south=south)


def grow(world: World, n: int) -> None:
    """More of the same for query-count tests: ``n`` subregions, each with CBS deaths,
    inhabitants, a hospice and a specialist, and ``n`` more hospices in the north."""
    for i in range(n):
        sub = SubregionFactory(region=world.region, code=f"plan-extra-{i}", name=f"Extra {i}")
        gm = MunicipalityFactory(gm_code=f"GM81{i:02d}", subregion=sub)
        for year in (2021, 2022, 2023):
            PopulationFigure.objects.create(
                gm_code=gm.gm_code, year=year, population=10, deaths=300 + i
            )
        pc = PostcodeAreaFactory(pc4=f"81{i:02d}", municipality=gm, population_by_age={"85-89": 9})
        _facility(sub, pc.pc4, FacilityKind.HOSPICE, 3)
        _facility(world.north, "8001", FacilityKind.HOSPICE, 1)
        Specialist.objects.create(
            region=world.region,
            subregion=sub,
            name=f"Extra {i}",
            qualification=Qualification.PHYSICIAN,
        )


def scenario(world: World, actor, name: str = "Basis", **values: str) -> Scenario:
    from .. import services

    return services.create_scenario(actor, world.region, name=name, values={**GOLDEN, **values})
