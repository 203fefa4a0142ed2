"""Reading what the projection needs and the scenarios' results, for the pages, the XLSX and
the annual report: a fixed number of queries whatever the amount of data.

- CBS deaths per subregion and year: the monitoring app's population context
  (:func:`palliare.monitoring.figures.cbs_deaths_by_subregion`).
- Inhabitants by age group: the CBS figures per postcode area the directory already holds.
- Hospice beds: the current bed status of the directory's active hospices and palliative units.
- Specialists: this app's register.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from palliare.capacity.models import Facility
from palliare.monitoring import figures as monitoring_figures
from palliare.organizations.models import PostcodeArea, Region, Subregion

from . import projection
from .constants import HORIZONS, HOSPICE_KINDS, OTHER_BED_KINDS
from .models import Scenario, ScenarioVersion, Specialist
from .parameters import Values
from .projection import AreaInput, AreaProjection


@dataclass
class Inputs:
    """The region's facts, the same for every scenario."""

    region: Region
    areas: list[AreaInput]
    #: Active facilities with beds that map to no subregion (not counted; shown as a note).
    unmapped_facilities: int = 0
    #: Departure years of the specialists who work region-wide.
    regional_specialists: list[int | None] = field(default_factory=list)


def load_inputs(region: Region) -> Inputs:
    """Everything about the region the projection needs. Six queries."""
    subregions = list(Subregion.objects.filter(region=region).order_by("name"))
    deaths = monitoring_figures.cbs_deaths_by_subregion(region.pk)

    population: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for subregion_id, by_age in PostcodeArea.objects.filter(
        municipality__subregion__region=region
    ).values_list("municipality__subregion_id", "population_by_age"):
        for group, n in (by_age or {}).items():
            if isinstance(n, int | float):
                population[subregion_id][group] += int(n)

    beds: dict[int, int] = defaultdict(int)
    other_beds: dict[int, int] = defaultdict(int)
    unmapped = 0
    ids = {s.pk for s in subregions}
    facilities = (
        Facility.objects.active()
        .filter(kind__in=HOSPICE_KINDS + OTHER_BED_KINDS)
        .filter(
            Q(location__postcode_area__municipality__subregion__region=region)
            | Q(organization__subregion__region=region)
            | Q(
                location__postcode_area__municipality__subregion__isnull=True,
                organization__subregion__isnull=True,
            )
        )
        .values_list(
            "kind",
            "location__postcode_area__municipality__subregion_id",
            "organization__subregion_id",
            "current_status__beds",
        )
    )
    for kind, by_place, by_organisation, n in facilities:
        subregion_id = by_place if by_place in ids else by_organisation
        if subregion_id not in ids:
            unmapped += 1
            continue
        target = beds if kind in HOSPICE_KINDS else other_beds
        target[subregion_id] += n or 0

    departures: dict[int | None, list[int | None]] = defaultdict(list)
    for subregion_id, year in Specialist.objects.filter(region=region, is_active=True).values_list(
        "subregion_id", "expected_departure_year"
    ):
        departures[subregion_id if subregion_id in ids else None].append(year)

    areas = [
        AreaInput(
            key=f"subregion:{s.pk}",
            name=s.name,
            deaths=deaths.get(s.pk, {}),
            population=dict(population.get(s.pk, {})),
            hospice_beds=beds.get(s.pk, 0),
            other_beds=other_beds.get(s.pk, 0),
            specialists=tuple(departures.get(s.pk, [])),
        )
        for s in subregions
    ]
    return Inputs(
        region=region,
        areas=areas,
        unmapped_facilities=unmapped,
        regional_specialists=departures.get(None, []),
    )


@dataclass
class ScenarioResult:
    """One scenario version projected over the region."""

    scenario: Scenario
    version: ScenarioVersion
    values: Values
    areas: list[AreaProjection]
    region: AreaProjection

    @property
    def horizon_years(self) -> list[int]:
        """The start year and the five- and ten-year horizons."""
        return [self.values.start_year] + [self.values.start_year + h for h in HORIZONS]

    @property
    def all_areas(self) -> list[AreaProjection]:
        return [*self.areas, self.region]


def project(inputs: Inputs, version: ScenarioVersion) -> ScenarioResult:
    """The projection of one scenario version (no queries)."""
    values = Values.from_stored(version.values)
    areas = [projection.project(a, values) for a in inputs.areas]
    region = projection.total(
        inputs.region.name, areas, extra_specialists=inputs.regional_specialists
    )
    return ScenarioResult(
        scenario=version.scenario, version=version, values=values, areas=areas, region=region
    )


def scenarios(region: Region) -> list[Scenario]:
    """The region's scenarios in use, with their current version (one query)."""
    return list(
        Scenario.objects.filter(region=region, is_active=True, current__isnull=False)
        .select_related("current", "current__scenario")
        .order_by("position", "name", "pk")
    )


def results(region: Region, chosen: list[Scenario]) -> tuple[Inputs, list[ScenarioResult]]:
    """The chosen scenarios projected over the region's facts (loaded once)."""
    inputs = load_inputs(region)
    found = []
    for scenario in chosen:
        assert scenario.current is not None
        found.append(project(inputs, scenario.current))
    return inputs, found


def default_region() -> Region | None:
    return monitoring_figures.default_region()
