"""The calculation rules of the computed KPIs: one function per rule, registered under the key
a KPI version names (``KpiVersion.rule``). Each is described in plain Dutch in the catalogue
(``catalogue.py``); keep the two in step.

Rules read the register only through the source apps' ``aggregates`` modules, which return
grouped counts; here those groups are rolled up to region, subregion, municipality and
organisation, and for region and subregion also per age band and diagnosis group. A death's
organisations are its GP practice and every other organisation in the patient's care team
before the death (district nursing, a hospice, …), so each sees its own figures.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from palliare.capacity import aggregates as bed_stats
from palliare.careplans import aggregates as careplan_stats
from palliare.consultations import aggregates as consultation_stats
from palliare.meetings import aggregates as meeting_stats
from palliare.patients import aggregates as register
from palliare.patients.constants import PlaceOfDeath, YesNoUnknown
from palliare.referrals import aggregates as referral_stats

from .constants import AreaType, PeriodType
from .periods import Period
from .sources import Cell, Figure, rule

Row = Mapping[str, Any]
Key = tuple[str, int, str]

AREAS = (
    (AreaType.REGION, "region_id"),
    (AreaType.SUBREGION, "subregion_id"),
    (AreaType.MUNICIPALITY, "municipality_id"),
    (AreaType.ORGANIZATION, "practice_id"),
)
#: Subgroups (age band, diagnosis group, …) are computed for these area types only: below
#: them nearly every cell would be suppressed anyway.
SUBGROUP_AREAS = {AreaType.REGION, AreaType.SUBREGION}

#: A central contact counts as "within 14 days" when named at most this many days after marking.
CENTRAL_CONTACT_DAYS = 14


def default_subgroups(row: Row) -> list[str]:
    found = [""]
    if row.get("age_band"):
        found.append(f"age:{row['age_band']}")
    if row.get("diagnosis_group"):
        found.append(f"dx:{row['diagnosis_group']}")
    return found


def rollup(
    rows: Iterable[Row],
    add: Callable[[Cell, Row, str], None],
    subgroups: Callable[[Row], list[str]] = default_subgroups,
) -> dict[Key, Cell]:
    """Add every group row to the cell of each area it lies in and each of its subgroups."""
    cells: dict[Key, Cell] = {}
    for row in rows:
        fixed = row.get("cell_subgroup")
        groups = [fixed] if fixed else subgroups(row)
        for area_type, field in AREAS:
            area_id = row.get(field)
            if area_id is None:
                continue
            for subgroup in groups if area_type in SUBGROUP_AREAS else groups[:1]:
                cell = cells.setdefault((area_type, int(area_id), subgroup), Cell())
                add(cell, row, subgroup)
    return cells


def percentages(cells: dict[Key, Cell]) -> list[Figure]:
    return [
        Figure(
            a,
            i,
            s,
            c.numerator,
            c.denominator,
            100 * c.numerator / c.denominator if c.denominator else None,
        )
        for (a, i, s), c in sorted(cells.items())
    ]


def _nth(distribution: Counter[int], rank: int) -> int:
    """The ``rank``-th smallest value (1-based) of a distribution, walking its distinct values
    (a few hundred) instead of sorting every element (one per death or request)."""
    seen = 0
    for value in sorted(distribution):
        seen += distribution[value]
        if seen >= rank:
            return value
    raise ValueError(rank)


def median(distribution: Counter[int]) -> float | None:
    """The median of a distribution (the mean of the two middle values when n is even)."""
    n = distribution.total()
    if not n:
        return None
    if n % 2:
        return float(_nth(distribution, n // 2 + 1))
    return (_nth(distribution, n // 2) + _nth(distribution, n // 2 + 1)) / 2


def percentile(distribution: Counter[int], p: float) -> float | None:
    """The p-th percentile by the nearest-rank method (the ⌈p·n⌉-th smallest value)."""
    n = distribution.total()
    if not n:
        return None
    return float(_nth(distribution, max(1, math.ceil(p * n))))


def statistic(cells: dict[Key, Cell], fn: Callable[[Counter[int]], float | None]) -> list[Figure]:
    return [
        Figure(a, i, s, None, float(c.distribution.total()), fn(c.distribution))
        for (a, i, s), c in sorted(cells.items())
    ]


def _share(numerator: str) -> Callable[[Cell, Row, str], None]:
    def add(cell: Cell, row: Row, subgroup: str) -> None:
        cell.numerator += row[numerator]
        cell.denominator += row["total"]

    return add


_CACHE: dict[tuple[str, int], list[dict[str, Any]]] | None = None


@contextmanager
def year_cache() -> Iterator[None]:
    """While active, the grouped counts of a death-based rule are fetched once per calendar
    year (grouped by quarter) and reused for the year and its four quarters."""
    global _CACHE
    _CACHE = {}
    try:
        yield
    finally:
        _CACHE = None


#: The grouping sets of the death-based rules: every area on its own, and region and subregion
#: per age band and per diagnosis group (each also per quarter and the rule's extra keys).
AREA_SETS: tuple[tuple[str, ...], ...] = tuple((field,) for _area, field in AREAS)
SUBGROUP_SETS: tuple[tuple[str, ...], ...] = (
    ("region_id", "age_band"),
    ("region_id", "diagnosis_group"),
    ("subregion_id", "age_band"),
    ("subregion_id", "diagnosis_group"),
)


def death_rows(
    key: str,
    period: Period,
    denominator: Q | None,
    conditions: Mapping[str, Q],
    *,
    extra_keys: tuple[str, ...] = (),
    annotate: Mapping[str, Any] | None = None,
    by_age_and_diagnosis: bool = True,
) -> list[dict[str, Any]]:
    """The register's death counts for ``period``, already summed per area (and for region and
    subregion per age band and diagnosis group: rows with a fixed ``cell_subgroup``), plus one
    row per other organisation in the care teams. Two queries per calendar year, reused for the
    year and its quarters during a run."""
    year = period.start.year
    rows = _CACHE.get((key, year)) if _CACHE is not None else None
    if rows is None:
        deaths = register.deaths_between(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        if denominator is not None:
            deaths = deaths.filter(denominator)
        if annotate:
            deaths = deaths.annotate(**annotate)
        sets = AREA_SETS + (SUBGROUP_SETS if by_age_and_diagnosis else ())
        rows = register.death_cells(deaths, conditions, sets=sets, extra_keys=extra_keys)
        for row in rows:
            if row["grouping_set"] >= len(AREA_SETS):
                band, group = row.get("age_band"), row.get("diagnosis_group")
                row["cell_subgroup"] = f"age:{band}" if band else f"dx:{group}" if group else None
                if row["cell_subgroup"] is None:
                    row["region_id"] = row["subregion_id"] = None  # no band or group: skip
        rows.extend(_care_team_rows(deaths, conditions, extra_keys))
        if _CACHE is not None:
            _CACHE[(key, year)] = rows
    if period.type == PeriodType.QUARTER:
        quarter = (period.start.month - 1) // 3 + 1
        return [r for r in rows if r["died_quarter"] == quarter]
    return rows


def _care_team_rows(
    deaths: Any, conditions: Mapping[str, Q], extra_keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Rows that count a death for each other organisation in the patient's care team (the
    organisation area only: the region and subregions already hold the death once)."""
    found = []
    for row in register.count_deaths_by_care_team(deaths, conditions, extra_keys=extra_keys):
        row.update(
            region_id=None,
            subregion_id=None,
            municipality_id=None,
            practice_id=row.pop("team_org_id"),
        )
        found.append(row)
    return found


def _death_share(key: str, period: Period, denominator: Q | None, numerator: Q) -> list[Figure]:
    rows = death_rows(key, period, denominator, {"num": numerator})
    return percentages(rollup(rows, _share("num")))


# --- the rules ------------------------------------------------------------------------------


@rule("plan_before_death")
def plan_before_death(period: Period) -> list[Figure]:
    """Expected deaths in the period with a care plan before death (Palliare or registration)."""
    return _death_share(
        "plan", period, register.expected(), careplan_stats.plan_present_before_death()
    )


@rule("plan_shared_acute")
def plan_shared_acute(period: Period) -> list[Figure]:
    """Expected deaths whose Palliare plan was shared with acute care before death."""
    return _death_share(
        "shared", period, register.expected(), careplan_stats.plan_shared_with_acute_care()
    )


@rule("marked_before_death")
def marked_before_death(period: Period) -> list[Figure]:
    """Expected deaths marked as palliative before death."""
    return _death_share("marked", period, register.expected(), register.marked_before_death())


def _median_figures(
    key: str, period: Period, denominator: Q, annotate: Mapping[str, Any], value: str
) -> list[Figure]:
    """A median per area (and for region and subregion per age band and diagnosis group)
    computed in the query — PostgreSQL's ``percentile_cont`` — instead of fetching a
    distribution per area and adding it up here. One query per calendar year, reused for the
    year and its quarters during a run."""
    year = period.start.year
    rows = _CACHE.get((key, year)) if _CACHE is not None else None
    if rows is None:
        deaths = register.deaths_between(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        deaths = deaths.filter(denominator).annotate(**annotate)
        rows = register.death_medians(deaths, value=value, sets=AREA_SETS + SUBGROUP_SETS)
        if _CACHE is not None:
            _CACHE[(key, year)] = rows
    quarter = (period.start.month - 1) // 3 + 1 if period.type == PeriodType.QUARTER else None
    subgroup_sets = {len(AREA_SETS) + i: keys for i, keys in enumerate(SUBGROUP_SETS)}
    area_types = {field: area_type for area_type, field in AREAS}
    figures = []
    for row in rows:
        if row["died_quarter"] != quarter:
            continue
        index = row["grouping_set"]
        if index < len(AREA_SETS):
            field, subgroup = AREAS[index][1], ""
        else:
            field, extra = subgroup_sets[index]
            label = row[extra]
            if not label:
                continue  # no age band or diagnosis group
            subgroup = f"{'age' if extra == 'age_band' else 'dx'}:{label}"
        area_id = row[field]
        if area_id is None:
            continue
        median_value = row["median"]
        figures.append(
            Figure(
                area_types[field],
                int(area_id),
                subgroup,
                None,
                float(row["total"]),
                float(median_value) if median_value is not None else None,
            )
        )
    return sorted(figures, key=lambda f: (f.area_type, f.area_id, f.subgroup))


@rule("marking_to_death_days")
def marking_to_death_days(period: Period) -> list[Figure]:
    """Median days from the first marking to death, among expected deaths marked before."""
    denominator = register.expected() & register.marked_before_death()
    annotate = {"days": register.DaysBetween(F("date_of_death"), register.first_marked_on())}
    if register.supports_percentiles():
        return _median_figures("marking_days_sql", period, denominator, annotate, "days")
    rows = death_rows(
        "marking_days",
        period,
        denominator,
        {},
        extra_keys=("days",),
        annotate=annotate,
    )

    def add(cell: Cell, row: Row, subgroup: str) -> None:
        cell.distribution[int(row["days"])] += row["total"]

    return statistic(rollup(rows, add), median)


@rule("preferred_place_achieved")
def preferred_place_achieved(period: Period) -> list[Figure]:
    """Deaths with a known preferred place where it is known whether it was achieved."""
    known = Q(preferred_place_known=YesNoUnknown.YES) & Q(
        preferred_place_achieved__in=[YesNoUnknown.YES, YesNoUnknown.NO]
    )
    return _death_share("preferred", period, known, Q(preferred_place_achieved=YesNoUnknown.YES))


@rule("place_of_death")
def place_of_death(period: Period) -> list[Figure]:
    """Distribution of the place of death over all registered deaths; the headline (empty
    subgroup) is the share at home, the subgroups ``place:<code>`` give every place."""
    conditions = {f"p{i}": register.place_is(code) for i, code in enumerate(register.PLACES)}
    rows = death_rows("places", period, None, conditions, by_age_and_diagnosis=False)
    home = register.PLACES.index(PlaceOfDeath.HOME)

    def places(row: Row) -> list[str]:
        return ["", *(f"place:{code}" for code in register.PLACES)]

    def add(cell: Cell, row: Row, subgroup: str) -> None:
        index = register.PLACES.index(subgroup[6:]) if subgroup else home
        cell.numerator += row[f"p{index}"]
        cell.denominator += row["total"]

    return percentages(rollup(rows, add, places))


def _in_last_30_days(field: str) -> Callable[[Period], list[Figure]]:
    def compute(period: Period) -> list[Figure]:
        known = register.expected() & Q(**{f"{field}__isnull": False})
        return _death_share(field, period, known, Q(**{f"{field}__gte": 1}))

    return compute


rule("hospital_admission_30d")(_in_last_30_days("hospital_admissions_30d"))
rule("emergency_visit_30d")(_in_last_30_days("emergency_visits_30d"))


@rule("discussed_in_meeting")
def discussed_in_meeting(period: Period) -> list[Figure]:
    """Expected deaths marked before death who were discussed in a held PaTz/MDO meeting."""
    return _death_share(
        "discussed",
        period,
        register.expected() & register.marked_before_death(),
        meeting_stats.discussed_before_death(),
    )


@rule("caregiver_checked")
def caregiver_checked(period: Period) -> list[Figure]:
    """Expected deaths with an informal caregiver whose burden was checked before death."""
    return _death_share(
        "caregiver",
        period,
        register.expected() & register.has_caregiver(),
        register.caregiver_checked_before_death(),
    )


@rule("volunteer_deployed")
def volunteer_deployed(period: Period) -> list[Figure]:
    """Expected deaths with a terminal-care volunteer active before death; subgroups split
    home deaths from deaths in a hospice, nursing home or hospital (intramural)."""
    rows = death_rows(
        "volunteer",
        period,
        register.expected(),
        {"num": register.volunteer_before_death()},
        extra_keys=("place_of_death",),
    )

    def subgroups(row: Row) -> list[str]:  # rows of whole areas (not age or diagnosis rows)
        setting = "home" if row["place_of_death"] == PlaceOfDeath.HOME else "intramural"
        return [*default_subgroups(row), f"setting:{setting}"]

    return percentages(rollup(rows, _share("num"), subgroups))


@rule("central_contact_14d")
def central_contact_14d(period: Period) -> list[Figure]:
    """Markings in the period, at least 14 days ago, with a central contact named within 14
    days of marking."""
    cutoff = timezone.localdate() - dt.timedelta(days=CENTRAL_CONTACT_DAYS - 1)
    if min(period.end, cutoff) <= period.start:
        return []
    year = period.start.year
    year_end = min(dt.date(year + 1, 1, 1), cutoff)
    cache_key = (f"markings:{year_end.isoformat()}", year)
    rows = _CACHE.get(cache_key) if _CACHE is not None else None
    if rows is None:
        sets = (*AREA_SETS, ("region_id", "diagnosis_group"), ("subregion_id", "diagnosis_group"))
        rows = register.marking_contact_counts(
            dt.date(year, 1, 1), year_end, within_days=CENTRAL_CONTACT_DAYS, sets=sets
        )
        for row in rows:
            if row["grouping_set"] >= len(AREA_SETS):
                group = row["diagnosis_group"]
                row["cell_subgroup"] = f"dx:{group}" if group else None
                if not group:
                    row["region_id"] = row["subregion_id"] = None  # no group: skip
        if _CACHE is not None:
            _CACHE[cache_key] = rows
    if period.type == PeriodType.QUARTER:
        quarter = (period.start.month - 1) // 3 + 1
        rows = [r for r in rows if r["marked_quarter"] == quarter]
    return percentages(rollup(rows, _share("within")))


def _consultation_rows(period: Period) -> list[dict[str, Any]]:
    """The answered requests' groups of ``period`` (one query per calendar year, reused for its
    quarters and for the three consultation rules during a run)."""
    year = period.start.year
    rows = _CACHE.get(("consultations", year)) if _CACHE is not None else None
    if rows is None:
        rows = _consultation_groups(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        if _CACHE is not None:
            _CACHE[("consultations", year)] = rows
    if period.type == PeriodType.QUARTER:
        quarter = (period.start.month - 1) // 3 + 1
        return [r for r in rows if r["quarter"] == quarter]
    return rows


def _consultation_groups(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "region_id": g.region_id,
            "subregion_id": g.subregion_id,
            "practice_id": g.team_id,
            "urgency": g.urgency,
            "hours": "office" if g.office_hours else "out",
            "answered": g.answered,
            "within": g.within_target,
            "minutes": g.minutes,
            "quarter": g.quarter,
        }
        for g in consultation_stats.response_groups(start, end)
    ]


def _consultation_subgroups(row: Row) -> list[str]:
    return ["", f"urgency:{row['urgency']}", f"hours:{row['hours']}"]


def _add_minutes(cell: Cell, row: Row, subgroup: str) -> None:
    cell.distribution.update(row["minutes"])


@rule("consultation_response_median")
def consultation_response_median(period: Period) -> list[Figure]:
    """Median minutes from request to first response (accepted), per team as organisation."""
    cells = rollup(_consultation_rows(period), _add_minutes, _consultation_subgroups)
    return statistic(cells, median)


@rule("consultation_response_p90")
def consultation_response_p90(period: Period) -> list[Figure]:
    """90th percentile of minutes to first response."""
    cells = rollup(_consultation_rows(period), _add_minutes, _consultation_subgroups)
    return statistic(cells, lambda d: percentile(d, 0.9))


@rule("consultation_within_target")
def consultation_within_target(period: Period) -> list[Figure]:
    """Share of answered requests accepted before their respond-by time."""

    def add(cell: Cell, row: Row, subgroup: str) -> None:
        cell.numerator += row["within"]
        cell.denominator += row["answered"]

    return percentages(rollup(_consultation_rows(period), add, _consultation_subgroups))


@rule("plan_feedback_good")
def plan_feedback_good(period: Period) -> list[Figure]:
    """Share of referral feedback judging the plan good (complete and current), per referrer."""
    rows = [
        {
            "region_id": r["region_id"],
            "subregion_id": r["subregion_id"],
            "practice_id": r["referral__referring_organization_id"],
            "good": r["total"] if r["plan_quality"] == "good" else 0,
            "total": r["total"],
        }
        for r in referral_stats.feedback_counts(period.start, period.end)
    ]
    return percentages(rollup(rows, _share("good"), lambda row: [""]))


# --- beds (capacity's history) ---------------------------------------------------------------


def _bed_rows(period: Period) -> list[dict[str, Any]]:
    """One row per facility with its day tallies summed over ``period`` (the year's tallies are
    fetched once per calendar year and reused for its quarters)."""
    year = period.start.year
    cached = _CACHE.get(("beds", year)) if _CACHE is not None else None
    if cached is None:
        cached = [{**f.keys(), "quarters": f.quarters} for f in bed_stats.facility_years(year)]
        if _CACHE is not None:
            _CACHE[("beds", year)] = cached
    quarters = (
        [(period.start.month - 1) // 3 + 1] if period.type == PeriodType.QUARTER else [1, 2, 3, 4]
    )
    rows = []
    for facility in cached:
        tallies = [facility["quarters"][q] for q in quarters if q in facility["quarters"]]
        if not tallies:
            continue
        row = {k: v for k, v in facility.items() if k != "quarters"}
        for name in (
            "days",
            "open_days",
            "bed_days",
            "occupied_bed_days",
            "stop_days",
            "stale_days",
        ):
            row[name] = sum(getattr(t, name) for t in tallies)
        row["practice_id"] = row["organization_id"]  # the facility's organisation as area
        rows.append(row)
    return rows


def _facility_subgroups(row: Row) -> list[str]:
    return ["", f"kind:{row['kind']}", f"facility:{row['facility_id']}"]


def _bed_share(numerator: str, denominator: str) -> Callable[[Cell, Row, str], None]:
    def add(cell: Cell, row: Row, subgroup: str) -> None:
        cell.numerator += row[numerator]
        cell.denominator += row[denominator]

    return add


@rule("bed_occupancy")
def bed_occupancy(period: Period) -> list[Figure]:
    """Occupied bed-days over available bed-days (days not closed), per facility kind and
    facility."""
    cells = rollup(
        _bed_rows(period), _bed_share("occupied_bed_days", "bed_days"), _facility_subgroups
    )
    return percentages(cells)


@rule("admission_stop_days")
def admission_stop_days(period: Period) -> list[Figure]:
    """Days with an admission stop, summed over the facilities of the area (the denominator is
    the facility-days with a known status)."""
    cells = rollup(_bed_rows(period), _bed_share("stop_days", "days"), _facility_subgroups)
    return [
        Figure(a, i, s, c.numerator, c.denominator, c.numerator)
        for (a, i, s), c in sorted(cells.items())
    ]


@rule("stale_bed_reporting")
def stale_bed_reporting(period: Period) -> list[Figure]:
    """Share of facility-days whose status at the midnight census was older than the agreed
    freshness (24 hours): days without a report."""
    cells = rollup(_bed_rows(period), _bed_share("stale_days", "days"), _facility_subgroups)
    return percentages(cells)
