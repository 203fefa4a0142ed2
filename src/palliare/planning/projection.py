"""The capacity projection as pure functions (no database): expected deaths per area and year
by trend, age structure or a fixed growth, the hospice beds they need and the palliative care
specialists needed against those available.

    beds needed = expected deaths × share in a hospice × mean length of stay / (365 × occupancy)

``test_projection.py`` pins the formula down on a hand-worked fixture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from palliare.organizations.reference_data import AGE_GROUPS

from .constants import DEATHS_PER_NORM, MAX_HORIZON, GrowthMethod
from .parameters import Values

#: The year of the population by age in the reference data (CBS 83502NED, 1 January 2021).
POPULATION_YEAR = 2021
#: Width of an age group in years: each year a fifth of a group moves up to the next.
GROUP_YEARS = 5


def beds_needed(deaths: float, share: float, length_of_stay: float, occupancy: float) -> float:
    """Beds needed for ``deaths`` a year of which ``share`` die in a hospice after on average
    ``length_of_stay`` days, with beds occupied ``occupancy`` of the year."""
    if occupancy <= 0:
        raise ValueError("occupancy must be above 0")
    return deaths * share * length_of_stay / (365 * occupancy)


def specialists_needed(deaths: float, per_10000: float) -> float:
    return deaths * per_10000 / DEATHS_PER_NORM


def available(departures: Iterable[int | None], year: int) -> int:
    """Specialists still working in ``year``: those without an expected departure year and
    those leaving after it (a specialist leaving in 2030 no longer counts from 2030)."""
    return sum(1 for d in departures if d is None or d > year)


def linear_fit(points: Mapping[int, float]) -> tuple[float, float] | None:
    """Least-squares line ``a + b × year`` through the points; None with fewer than two."""
    n = len(points)
    if n < 2:
        return None
    xs, ys = list(points), list(points.values())
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    b = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return mean_y - b * mean_x, b


def cohort_deaths(
    population: Mapping[str, float],
    rates: Mapping[str, float],
    improvement: float,
    first_year: int,
    last_year: int,
) -> dict[int, float]:
    """Modelled deaths per year from ``first_year`` (the population's year) to ``last_year``:
    each year every age group loses its deaths (``rates`` per person, falling by
    ``improvement`` a year) and a fifth of the survivors move up to the next group. Migration
    is left out; the youngest group is kept level (births replace those moving up)."""
    groups = [float(population.get(g, 0)) for g in AGE_GROUPS]
    found: dict[int, float] = {}
    for year in range(first_year, last_year + 1):
        factor = (1 - improvement) ** (year - first_year)
        year_rates = [min(1.0, rates.get(g, 0.0) * factor) for g in AGE_GROUPS]
        found[year] = sum(p * r for p, r in zip(groups, year_rates, strict=True))
        survivors = [p * (1 - r) for p, r in zip(groups, year_rates, strict=True)]
        moving = [s / GROUP_YEARS for s in survivors]
        nxt = [s - m for s, m in zip(survivors, moving, strict=True)]
        nxt[0] += groups[0] / GROUP_YEARS  # births replace the children moving up
        for i in range(1, len(nxt)):
            nxt[i] += moving[i - 1]
        nxt[-1] += moving[-1]  # the open group keeps its survivors
        groups = nxt
    return found


@dataclass(frozen=True)
class AreaInput:
    """What the projection needs of one area (a subregion): CBS deaths per year, inhabitants
    by age group, hospice beds in the directory and the specialists' departure years."""

    key: str
    name: str
    deaths: Mapping[int, int]
    population: Mapping[str, int] = field(default_factory=dict)
    hospice_beds: int = 0
    other_beds: int = 0
    specialists: Sequence[int | None] = ()


@dataclass(frozen=True)
class YearFigures:
    """The figures of one area in one year; ``observed`` for a year CBS has published."""

    year: int
    deaths: float
    observed: bool
    hospice_deaths: float
    beds_needed: float
    specialists_needed: float
    specialists_available: int


@dataclass
class AreaProjection:
    area: AreaInput
    years: dict[int, YearFigures]
    base_year: int | None
    #: Why figures are missing or rest on a fallback ("" when all is well).
    problem: str = ""

    def at(self, year: int) -> YearFigures | None:
        return self.years.get(year)

    def beds_gap(self, year: int) -> float | None:
        """Beds needed minus the beds in the directory now (positive: beds short)."""
        figures = self.years.get(year)
        return None if figures is None else figures.beds_needed - self.area.hospice_beds


#: Problems, as keys the pages translate.
NO_DEATHS = "no_deaths"
NO_POPULATION = "no_population"
SHORT_TREND = "short_trend"


def expected_deaths(
    area: AreaInput, values: Values, last_year: int
) -> tuple[dict[int, tuple[float, bool]], str]:
    """Deaths per year up to ``last_year``: CBS where published, else projected by the
    scenario's method, as (deaths, observed); and a problem key or ""."""
    if not area.deaths:
        return {}, NO_DEATHS
    base = max(area.deaths)
    found: dict[int, tuple[float, bool]] = {y: (float(n), True) for y, n in area.deaths.items()}
    problem = ""
    projected: dict[int, float] = {}
    years = range(base + 1, last_year + 1)
    if values.growth_method == GrowthMethod.TREND:
        points = {
            y: float(n)
            for y, n in area.deaths.items()
            if values.trend_first_year <= y <= values.trend_last_year
        }
        fit = linear_fit(points)
        if fit is None:
            problem = SHORT_TREND
            projected = {y: float(area.deaths[base]) for y in years}
        else:
            a, b = fit
            projected = {y: max(0.0, a + b * y) for y in years}
    elif values.growth_method == GrowthMethod.AGE:
        if not any(area.population.values()):
            problem = NO_POPULATION
            projected = {y: float(area.deaths[base]) for y in years}
        else:
            start = min(POPULATION_YEAR, base)
            modelled = cohort_deaths(
                area.population, values.rates, values.mortality_improvement, start, last_year
            )
            reference = modelled.get(base) or 0.0
            scale = area.deaths[base] / reference if reference else 0.0
            projected = {y: modelled[y] * scale for y in years}
    else:
        projected = {y: area.deaths[base] * (1 + values.fixed_growth) ** (y - base) for y in years}
    for y, n in projected.items():
        found[y] = (n, False)
    return found, problem


def project(area: AreaInput, values: Values) -> AreaProjection:
    """Every figure of one area from its last CBS year to the scenario's longest horizon."""
    last_year = values.start_year + MAX_HORIZON
    deaths, problem = expected_deaths(area, values, last_year)
    base = max(area.deaths) if area.deaths else None
    first = min(values.start_year, base) if base is not None else values.start_year
    years: dict[int, YearFigures] = {}
    for year in range(first, last_year + 1):
        if year not in deaths:
            continue
        n, observed = deaths[year]
        years[year] = YearFigures(
            year=year,
            deaths=n,
            observed=observed,
            hospice_deaths=n * values.hospice_share,
            beds_needed=beds_needed(
                n, values.hospice_share, values.length_of_stay, values.occupancy
            ),
            specialists_needed=specialists_needed(n, values.specialists_per_10000),
            specialists_available=available(area.specialists, year),
        )
    return AreaProjection(area=area, years=years, base_year=base, problem=problem)


def total(
    name: str,
    parts: Sequence[AreaProjection],
    *,
    extra_beds: int = 0,
    extra_other_beds: int = 0,
    extra_specialists: Sequence[int | None] = (),
) -> AreaProjection:
    """The sum of areas (the whole region), plus beds and specialists not tied to one of
    them (region-wide specialists, facilities without a subregion)."""
    specialists = [d for p in parts for d in p.area.specialists] + list(extra_specialists)
    area = AreaInput(
        key="region",
        name=name,
        deaths={},
        hospice_beds=sum(p.area.hospice_beds for p in parts) + extra_beds,
        other_beds=sum(p.area.other_beds for p in parts) + extra_other_beds,
        specialists=specialists,
    )
    common = set.intersection(*(set(p.years) for p in parts)) if parts else set()
    years = {}
    for year in sorted(common):
        rows = [p.years[year] for p in parts]
        years[year] = YearFigures(
            year=year,
            deaths=sum(r.deaths for r in rows),
            observed=all(r.observed for r in rows),
            hospice_deaths=sum(r.hospice_deaths for r in rows),
            beds_needed=sum(r.beds_needed for r in rows),
            specialists_needed=sum(r.specialists_needed for r in rows),
            specialists_available=available(specialists, year),
        )
    bases = [p.base_year for p in parts if p.base_year is not None]
    problem = next((p.problem for p in parts if p.problem), "")
    return AreaProjection(
        area=area, years=years, base_year=max(bases) if bases else None, problem=problem
    )
