"""Reading the stored figures for pages, charts and reports: a fixed number of queries whatever
the amount of data, and every figure passed through ``suppression`` before it is shown.
Nothing here counts the register; recomputation (``services``) fills the tables read here."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from palliare.organizations.models import Municipality, Region, Subregion

from . import intervals, suppression
from .constants import BASELINE_YEARS, AreaType, Direction, KpiKind, PeriodType, Rag, Source, Unit
from .formatting import format_value
from .models import KpiDefinition, KpiTarget, KpiValue, KpiVersion, PopulationFigure
from .periods import Period

#: Relative distance to the target within which a KPI is amber rather than red.
AMBER_MARGIN = 0.10
#: The KPI whose denominator is every registered death (coverage of the register).
ALL_DEATHS_KPI = "place-of-death"


#: Units whose value is a statistic of the cases (median, percentile): it reveals no count.
STATISTIC_UNITS = frozenset({Unit.DAYS, Unit.MINUTES})


@dataclass(frozen=True)
class Point:
    """One figure and what of it may be published: the one place that decides, for every exit
    (pages, charts, PDF, XLSX, CSV, API). ``numerator_hidden``/``denominator_hidden`` mark a
    count a published table hides to protect another one ("•", complementary suppression, see
    :func:`drilldown`); counts under the threshold are masked as "<5" anyway."""

    period: Period
    numerator: float | None
    denominator: float | None
    raw_value: float | None
    unit: str
    numerator_hidden: bool = False
    denominator_hidden: bool = False
    #: Counts not published at all ("—"): a drill-down that cannot be protected.
    withheld: bool = False

    @property
    def numerator_masked(self) -> bool:
        return self.numerator is not None and (
            self.withheld or self.numerator_hidden or suppression.is_small(self.numerator)
        )

    @property
    def denominator_masked(self) -> bool:
        return self.denominator is not None and (
            self.withheld or self.denominator_hidden or suppression.is_small(self.denominator)
        )

    @property
    def value(self) -> float | None:
        """The value if it may be shown, else None: its denominator must be large enough, and a
        rate whose numerator or denominator is masked is masked too (a rate next to one of them
        gives the other back). A median or percentile reveals no count: only its number of
        cases decides."""
        if self.unit not in STATISTIC_UNITS and (self.numerator_masked or self.denominator_masked):
            return None
        return suppression.published_value(self.raw_value, self.denominator)

    @property
    def ci(self) -> tuple[float, float] | None:
        if self.unit != Unit.PERCENT or self.value is None or self.numerator is None:
            return None
        return intervals.wilson(self.numerator, self.denominator or 0)

    @property
    def numerator_text(self) -> str:
        if self.withheld:
            return "—"
        if self.numerator_hidden and not suppression.is_small(self.numerator):
            return suppression.SECONDARY_MARK if self.numerator is not None else "—"
        return suppression.count_text(self.numerator)

    @property
    def denominator_text(self) -> str:
        if self.withheld:
            return "—"
        if self.denominator_hidden and not suppression.is_small(self.denominator):
            return suppression.SECONDARY_MARK if self.denominator is not None else "—"
        return suppression.count_text(self.denominator)

    @property
    def text(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def suppressed(self) -> bool:
        return self.raw_value is not None and self.value is None


@dataclass
class KpiRow:
    """A KPI on a dashboard: the definition version, target, latest, baseline, trend, RAG."""

    definition: KpiDefinition
    version: KpiVersion
    target: KpiTarget | None
    latest: Point | None
    baseline: Point | None
    trend: list[Point] = field(default_factory=list)
    coverage: float | None = None
    versions_in_trend: set[int] = field(default_factory=set)

    @property
    def rag(self) -> str:
        return rag(self.version, self.target, self.latest)

    @property
    def awaiting_source(self) -> bool:
        return self.version.source != Source.COMPUTED and not self.trend

    @property
    def target_text(self) -> str:
        """The target as published, in the KPI's unit and decimals ("" without one)."""
        if self.target is None:
            return ""
        return format_value(float(self.target.value), self.version.unit)

    @property
    def is_result(self) -> bool:
        return self.version.kind in (KpiKind.RESULT, KpiKind.OUTCOME)


def rag(version: KpiVersion, target: KpiTarget | None, latest: Point | None) -> str:
    """Green when the latest value meets the target; amber when it misses by less than 10% of
    the target, or the target lies within its 95% interval (chance cannot be ruled out); red
    otherwise; none without a target, a direction or a publishable value."""
    if (
        target is None
        or latest is None
        or latest.value is None
        or version.direction == Direction.NONE
    ):
        return Rag.NONE
    goal, value = float(target.value), latest.value
    higher = version.direction == Direction.HIGHER
    if (value >= goal) if higher else (value <= goal):
        return Rag.GREEN
    ci = latest.ci
    if ci is not None and ci[0] <= goal <= ci[1]:
        return Rag.AMBER
    if abs(value - goal) <= AMBER_MARGIN * abs(goal):
        return Rag.AMBER
    return Rag.RED


def latest_complete_quarter(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    current = Period.of(today, PeriodType.QUARTER)
    return Period.of(current.start - dt.timedelta(days=1), PeriodType.QUARTER)


def current_definitions() -> list[KpiDefinition]:
    return list(
        KpiDefinition.objects.filter(is_active=True, current__isnull=False)
        .select_related("current")
        .order_by("position", "code")
    )


def current_targets(definitions: list[KpiDefinition]) -> dict[int, KpiTarget]:
    found: dict[int, KpiTarget] = {}
    for target in KpiTarget.objects.filter(definition__in=definitions).order_by(
        "definition", "-set_at", "-pk"
    ):
        found.setdefault(target.definition_id, target)
    return found


def _values(
    versions: list[int], area_type: str, area_id: int, subgroup: str = ""
) -> QuerySet[KpiValue]:
    return KpiValue.objects.filter(
        version_id__in=versions, area_type=area_type, area_id=area_id, subgroup=subgroup
    ).only("version_id", "period_type", "period_start", "numerator", "denominator", "value")


def _as_in_drilldown(
    definitions: list[KpiDefinition], subregion_id: int, by_version: dict[int, list[Point]]
) -> dict[int, list[Point]]:
    """A subregion's figures exactly as its region's drill-down publishes them (the counts it
    hides marked): a subregion's page must not show what the drill-down hides. Two queries."""
    sub = Subregion.objects.filter(pk=subregion_id).only("region_id").first()
    if sub is None:
        return by_version
    order = list(
        Subregion.objects.filter(region_id=sub.region_id)
        .order_by("name")
        .values_list("pk", flat=True)
    )
    index = order.index(subregion_id)
    versions = [d.current for d in definitions if d.current is not None]
    drills = drilldowns(versions, sub.region_id, order)
    found: dict[int, list[Point]] = {}
    for version_id, points in by_version.items():
        found[version_id] = []
        for p in points:
            drill = drills.get((version_id, p.period.type, p.period.start))
            shown = drill.rows[index] if drill is not None else None
            found[version_id].append(shown if shown is not None else p)
    return found


def baseline(points: list[Point], unit: str) -> Point | None:
    """The baseline over 2022–2024: the pooled rate (sum of numerators over sum of
    denominators) for percentages, the mean of the yearly values otherwise."""
    years = [
        p
        for p in points
        if p.period.type == PeriodType.YEAR and p.period.start.year in BASELINE_YEARS
    ]
    if not years:
        return None
    period = Period.year(BASELINE_YEARS[0])
    den = sum(p.denominator or 0 for p in years)
    if unit == Unit.PERCENT:
        num = sum(p.numerator or 0 for p in years)
        return Point(period, num, den, 100 * num / den if den else None, unit)
    known = [p.raw_value for p in years if p.raw_value is not None]
    return Point(period, None, den, sum(known) / len(known) if known else None, unit)


def dashboard(
    area_type: str,
    area_id: int,
    *,
    period: Period | None = None,
    definitions: list[KpiDefinition] | None = None,
) -> list[KpiRow]:
    """Every KPI in use for one area: latest value (the given quarter, default the latest
    complete one), baseline, target and the quarterly trend. Four queries."""
    period = period or latest_complete_quarter()
    definitions = definitions if definitions is not None else current_definitions()
    targets = current_targets(definitions)
    version_ids = [d.current_id for d in definitions if d.current_id]
    by_version: dict[int, list[Point]] = defaultdict(list)
    units = {d.current_id: d.current.unit for d in definitions if d.current}
    for v in _values(version_ids, area_type, area_id):
        p = Period(v.period_start, v.period_type)
        by_version[v.version_id].append(
            Point(p, v.numerator, v.denominator, v.value, units[v.version_id])
        )
    if area_type == AreaType.SUBREGION:
        by_version = _as_in_drilldown(definitions, area_id, by_version)
    coverage = coverage_by_year(area_type, area_id, by_version, definitions)
    rows = []
    for d in definitions:
        assert d.current is not None
        points = sorted(by_version.get(d.current.pk, []), key=lambda p: p.period.start)
        quarters = [
            p for p in points if p.period.type == PeriodType.QUARTER and p.period.start < period.end
        ]
        latest = next((p for p in points if p.period == period), None)
        rows.append(
            KpiRow(
                definition=d,
                version=d.current,
                target=targets.get(d.pk),
                latest=latest,
                baseline=baseline(points, d.current.unit),
                trend=quarters,
                coverage=coverage.get(period.start.year),
            )
        )
    return rows


# --- an organisation's mirror ---------------------------------------------------------------


@dataclass
class MirrorRow:
    """A KPI on an organisation's mirror: the regional row and the organisation's own."""

    regional: KpiRow
    own: KpiRow | None

    @property
    def linked(self) -> bool:
        """Whether the register links any figure of this KPI to the organisation (any period)."""
        own = self.own
        return own is not None and bool(own.trend or own.latest or own.baseline)

    @property
    def position(self) -> str:
        """Where the organisation's latest rate lies against the region's on a funnel plot:
        "within" the 95% limits, "higher"/"lower" outside them (or "" when not comparable)."""
        own, region = self.own.latest if self.own else None, self.regional.latest
        if (
            self.regional.version.unit != Unit.PERCENT
            or own is None
            or own.value is None
            or region is None
            or region.value is None
        ):
            return ""
        if not intervals.outside(own.value, own.denominator or 0, region.value):
            return "within"
        return "higher" if own.value > region.value else "lower"


def mirror(organization_id: int, region_id: int, period: Period) -> list[MirrorRow]:
    """Every KPI in use with the region's and the organisation's figures; rows the register
    links to the organisation first (in catalogue order). A fixed number of queries."""
    definitions = current_definitions()
    own = {
        r.definition.pk: r
        for r in dashboard(
            AreaType.ORGANIZATION, organization_id, period=period, definitions=definitions
        )
    }
    rows = [
        MirrorRow(r, own.get(r.definition.pk))
        for r in dashboard(AreaType.REGION, region_id, period=period, definitions=definitions)
    ]
    return [r for r in rows if r.linked] + [r for r in rows if not r.linked]


def peers(
    version: KpiVersion, organization_id: int, organization_type: str, period: Period
) -> list[tuple[bool, Point]]:
    """The figures of one KPI for the organisations of the same type in one period, the
    organisation's own flagged (True). Other organisations are returned without their identity,
    ordered by size and value, so that the caller cannot name them. Two queries."""
    from palliare.organizations.models import Organization

    points = breakdown(version, AreaType.ORGANIZATION, period)
    same_type = set(
        Organization.objects.filter(pk__in=list(points), type=organization_type).values_list(
            "pk", flat=True
        )
    )
    found = [(pk == organization_id, p) for pk, p in points.items() if pk in same_type]
    return sorted(found, key=lambda item: (item[1].denominator or 0, item[1].raw_value or 0))


# --- population context ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def palliative_share() -> float:
    """The share of all deaths with an expected palliative need (PZNL/IKNL, 2021: 63%), read
    from reference-data/reference/national_palliative_parameters_press.csv."""
    from palliare.organizations.reference_data import default_source

    path = default_source() / "reference" / "national_palliative_parameters_press.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["parameter"] == "share_deaths_expected_palliative_need":
                    return float(row["value"]) / 100
    except OSError:
        pass
    return 0.63


@lru_cache(maxsize=1)
def national_place_of_death() -> dict[str, float]:
    """National place of death of expected deaths in percent (IKNL/PZNL 2024, reference data)."""
    from palliare.organizations.reference_data import default_source
    from palliare.patients.constants import PlaceOfDeath

    names = {
        "share_expected_deaths_at_home": PlaceOfDeath.HOME,
        "share_expected_deaths_in_hospital": PlaceOfDeath.HOSPITAL,
        "share_expected_deaths_in_nursing_home": PlaceOfDeath.NURSING_HOME,
        "share_expected_deaths_in_hospice": PlaceOfDeath.HOSPICE,
    }
    found: dict[str, float] = {}
    path = default_source() / "reference" / "national_palliative_parameters_press.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["parameter"] in names:
                    found[str(names[row["parameter"]])] = float(row["value"])
    except OSError:
        pass
    return found


@dataclass(frozen=True)
class Context:
    """CBS deaths in an area and year, the expected palliative population, and whether the
    year's CBS figure is an estimate (the latest published year carried forward)."""

    year: int
    cbs_year: int
    deaths: int
    expected_palliative: int

    @property
    def estimated(self) -> bool:
        return self.cbs_year != self.year


def cbs_deaths(area_type: str, area_id: int) -> dict[int, int]:
    """CBS deaths per year in an area (region or subregion through the municipality mapping;
    a municipality itself). Two queries."""
    municipalities = Municipality.objects.all()
    if area_type == AreaType.REGION:
        municipalities = municipalities.filter(subregion__region_id=area_id)
    elif area_type == AreaType.SUBREGION:
        municipalities = municipalities.filter(subregion_id=area_id)
    elif area_type == AreaType.MUNICIPALITY:
        municipalities = municipalities.filter(pk=area_id)
    else:
        return {}
    codes = list(municipalities.values_list("gm_code", flat=True))
    totals: dict[int, int] = defaultdict(int)
    for year, deaths in PopulationFigure.objects.filter(gm_code__in=codes).values_list(
        "year", "deaths"
    ):
        totals[year] += deaths
    return dict(totals)


def cbs_deaths_by_subregion(region_id: int) -> dict[int, dict[int, int]]:
    """CBS deaths per year for every subregion of a region, through the municipality mapping
    (subregion id → year → deaths). Two queries, whatever the number of subregions."""
    codes = dict(
        Municipality.objects.filter(
            subregion__region_id=region_id, subregion__isnull=False
        ).values_list("gm_code", "subregion_id")
    )
    totals: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for gm_code, year, deaths in PopulationFigure.objects.filter(gm_code__in=codes).values_list(
        "gm_code", "year", "deaths"
    ):
        totals[codes[gm_code]][year] += deaths
    return {subregion: dict(years) for subregion, years in totals.items()}


def context_for(area_type: str, area_id: int, years: list[int]) -> dict[int, Context]:
    deaths = cbs_deaths(area_type, area_id)
    if not deaths:
        return {}
    last = max(deaths)
    share = palliative_share()
    found = {}
    for year in years:
        cbs_year = year if year in deaths else min(last, year) if year < min(deaths) else last
        if cbs_year not in deaths:
            continue
        n = deaths[cbs_year]
        found[year] = Context(year, cbs_year, n, round(n * share))
    return found


def coverage_by_year(
    area_type: str,
    area_id: int,
    by_version: dict[int, list[Point]],
    definitions: list[KpiDefinition],
) -> dict[int, float]:
    """The register's coverage per year: registered deaths (the denominator of the
    place-of-death KPI) as a percentage of CBS deaths in the area."""
    all_deaths = next((d for d in definitions if d.code == ALL_DEATHS_KPI), None)
    if all_deaths is None or all_deaths.current_id is None:
        return {}
    registered = {
        p.period.start.year: p.denominator or 0
        for p in by_version.get(all_deaths.current_id, [])
        if p.period.type == PeriodType.YEAR
    }
    context = context_for(area_type, area_id, sorted(registered))
    return {
        year: min(100.0, 100 * n / context[year].deaths)
        for year, n in registered.items()
        if year in context and context[year].deaths
    }


# --- areas ----------------------------------------------------------------------------------


def default_region() -> Region | None:
    return Region.objects.order_by("pk").first()


def subregions(region: Region) -> list[Subregion]:
    return list(Subregion.objects.filter(region=region).order_by("name"))


def breakdown(
    version: KpiVersion, area_type: str, period: Period, *, subgroup: str = ""
) -> dict[int, Point]:
    """The values of one KPI version for every area of a type in one period (one query)."""
    return {
        v.area_id: Point(period, v.numerator, v.denominator, v.value, version.unit)
        for v in KpiValue.objects.filter(
            version=version,
            area_type=area_type,
            period_type=period.type,
            period_start=period.start,
            subgroup=subgroup,
        )
    }


def drilldown_table(points: list[Point | None]) -> suppression.Table | None:
    """The table of one KPI per area (the subregions of the drill-down, in their order) with
    complementary suppression: numerator and denominator per area (the denominator alone for
    a median or percentile), the column totals being the areas' sums. None without counts.
    Every exit publishes what :func:`drilldown` makes of it."""
    if not any(p is not None and p.denominator is not None for p in points):
        return None
    rate = _is_rate(points)
    counts = [
        ([_int(p.numerator)] if rate else []) + [_int(p.denominator)]
        if p is not None
        else [0] * (2 if rate else 1)
        for p in points
    ]
    return suppression.suppress_table(counts) if counts else None


def _is_rate(points: list[Point | None]) -> bool:
    """Whether the table has a numerator column (not a median or percentile)."""
    return any(
        p is not None and p.numerator is not None and p.unit not in STATISTIC_UNITS for p in points
    )


def _int(x: float | None) -> int:
    return round(x) if x is not None else 0


@dataclass(frozen=True)
class Drilldown:
    """One KPI per subregion as published, the region's figure beside it: ``rows`` are the
    subregions' points with the counts the table hides marked (their value masked with them),
    ``totals`` the published column totals (numerator, denominator; the denominator alone
    for a statistic), ``withheld`` when nothing per subregion may be shown."""

    rows: list[Point | None]
    totals: list[suppression.Cell] | None
    withheld: bool
    region: Point | None


def drilldown(region: Point | None, points: list[Point | None]) -> Drilldown:
    """What is published of one result per subregion: the one function every exit takes it
    from (the KPI page and its funnel plot, the subregion's dashboard, the report's PDF and
    XLSX, the FHIR MeasureReport), so no two exits hide different cells.

    The region's own figure is published everywhere (dashboard, report) with primary
    suppression. When the table hides a total that is the region's own figure, or cannot be
    protected at all, every subregion count is masked instead (a subset of what the table would
    show, so together with the region's figure nothing can be worked out)."""
    table = drilldown_table(points)
    if table is None:
        return Drilldown(list(points), None, False, region)
    rate = _is_rate(points)
    columns: list[tuple[str, int]] = ([("numerator", 0)] if rate else []) + [
        ("denominator", 1 if rate else 0)
    ]
    sums = {
        name: sum(_int(getattr(p, name)) for p in points if p is not None) for name, _i in columns
    }
    totals_hidden = region is not None and any(
        getattr(region, name) is not None
        and not suppression.is_small(getattr(region, name))
        and _int(getattr(region, name)) == sums[name]
        and table.totals[index].suppressed
        for name, index in columns
    )
    if table.withheld or totals_hidden:
        # Zeros stay: they protect nothing. A column with one non-zero cell gives it back as
        # the total the region publishes: that cell is the region's figure, shown as such.
        alone = {
            name: region is not None
            and getattr(region, name) is not None
            and _int(getattr(region, name)) == sums.get(name)
            and sum(1 for p in points if p is not None and _int(getattr(p, name)) > 0) == 1
            for name in ("numerator", "denominator")
        }
        rows = [
            replace(
                p,
                numerator_hidden=_int(p.numerator) > 0 and not alone["numerator"],
                denominator_hidden=_int(p.denominator) > 0 and not alone["denominator"],
            )
            if p is not None
            else None
            for p in points
        ]
        if _pinned(rows, region, columns):
            # Even so a cell follows from the region's figure (two "<5" making up a published
            # 8): nothing per subregion is published.
            rows = [replace(p, withheld=True) if p is not None else None for p in rows]
            return Drilldown(rows, None, True, region)
        totals = []
        for name, index in columns:
            count = getattr(region, name) if region is not None else None
            if count is not None and _int(count) == sums[name]:
                small = suppression.is_small(count)
                totals.append(
                    suppression.Cell(
                        suppression.count_text(count),
                        None if small else _int(count),
                        suppression.PRIMARY if small else "",
                    )
                )
            else:
                totals.append(table.totals[index])
        return Drilldown(rows, totals, table.withheld, region)
    rows = []
    for index, p in enumerate(points):
        cells = table.rows[index]
        rows.append(
            replace(
                p,
                numerator_hidden=rate and cells[0].state == suppression.SECONDARY,
                denominator_hidden=cells[columns[-1][1]].state == suppression.SECONDARY,
            )
            if p is not None
            else None
        )
    return Drilldown(rows, [table.totals[i] for _n, i in columns], False, region)


def _pinned(rows: list[Point | None], region: Point | None, columns: list[tuple[str, int]]) -> bool:
    """Whether a masked cell of ``rows`` can be worked out from the others and the region's
    figure (where it is the column's total): the exact check of :mod:`suppression`, per
    column."""
    if region is None:
        return False
    for name, _index in columns:
        total = getattr(region, name)
        values = [_int(getattr(p, name)) if p is not None else 0 for p in rows]
        if total is None or _int(total) != sum(values) or suppression.is_small(total):
            continue
        hidden = {
            i
            for i, p in enumerate(rows)
            if p is not None and getattr(p, f"{name}_masked") and values[i] > 0
        }
        if not hidden:
            continue
        n = len(values)
        cells = {(i, j): v for i, v in enumerate(values) for j in (0, 1)}
        cells[(n, 0)] = cells[(n, 1)] = sum(values)
        states = {
            (i, j): suppression.PRIMARY
            if suppression.is_small(values[i])
            else suppression.SECONDARY
            for i in hidden
            for j in (0, 1)
        }
        if suppression.recoverable(cells, states, [], suppression.min_count()):
            return True
    return False


def drilldowns(
    versions: list[KpiVersion], region_id: int, subregion_ids: list[int]
) -> dict[tuple[int, str, dt.date], Drilldown]:
    """:func:`drilldown` of every stored period of ``versions`` (version, period type, period
    start → its drill-down; subregions in the order of ``subregion_ids``). One query."""
    units = {v.pk: v.unit for v in versions}
    region: dict[tuple[int, str, dt.date], Point] = {}
    subs: dict[tuple[int, str, dt.date], dict[int, Point]] = defaultdict(dict)
    wanted = set(subregion_ids)
    for v in (
        KpiValue.objects.filter(version_id__in=list(units), subgroup="")
        .filter(
            models.Q(area_type=AreaType.REGION, area_id=region_id)
            | models.Q(area_type=AreaType.SUBREGION, area_id__in=wanted)
        )
        .only(
            "version_id",
            "area_type",
            "area_id",
            "period_type",
            "period_start",
            "numerator",
            "denominator",
            "value",
        )
    ):
        key = (v.version_id, v.period_type, v.period_start)
        point = Point(
            Period(v.period_start, v.period_type),
            v.numerator,
            v.denominator,
            v.value,
            units[v.version_id],
        )
        if v.area_type == AreaType.REGION:
            region[key] = point
        else:
            subs[key][v.area_id] = point
    return {
        key: drilldown(region.get(key), [found.get(pk) for pk in subregion_ids])
        for key, found in subs.items()
    }


def subgroups(
    version: KpiVersion, area_type: str, area_id: int, period: Period
) -> dict[str, Point]:
    """The values per subgroup (age band, diagnosis group, …) of one KPI in one area and period."""
    return {
        v.subgroup: Point(period, v.numerator, v.denominator, v.value, version.unit)
        for v in KpiValue.objects.filter(
            version=version,
            area_type=area_type,
            area_id=area_id,
            period_type=period.type,
            period_start=period.start,
        ).exclude(subgroup="")
    }


@dataclass(frozen=True)
class Highlight:
    """One KPI for the newsletter or a public page: the region's latest published figure."""

    number: str
    name: str
    value: str
    target: str
    period: str


def highlight(period: Period | None = None) -> Highlight | None:
    """The region's first result KPI with a target and a publishable latest value (else the
    first KPI with one), as published text; None when no figure may be shown."""
    region = default_region()
    if region is None:
        return None
    rows = [r for r in dashboard(AreaType.REGION, region.pk, period=period) if r.latest]
    shown = [r for r in rows if r.latest is not None and r.latest.value is not None]
    if not shown:
        return None
    row = next((r for r in shown if r.is_result and r.target is not None), shown[0])
    assert row.latest is not None
    unit = row.version.unit
    return Highlight(
        number=row.version.number,
        name=row.version.name,
        value=row.latest.text,
        target=format_value(float(row.target.value), unit) if row.target is not None else "",
        period=row.latest.period.display,
    )
