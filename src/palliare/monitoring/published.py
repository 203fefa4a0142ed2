"""The monitoring figures as they leave Palliare for another system (the FHIR ``Measure`` and
``MeasureReport``, issue 15 item 11): every KPI version of the catalogue as plain data, and each
stored result as a report over the region with its breakdowns.

Every count passes through :mod:`suppression`, with the same thresholds as the pages:

- a count from 1 to ``MONITORING_MIN_COUNT`` − 1 is masked, never given as a number;
- a value (rate, median, …) needs a denominator of at least ``MONITORING_MIN_DENOMINATOR``, and is
  also masked when its numerator or denominator is (a rate next to its denominator gives the
  numerator back);
- the subregions are the page's drill-down table (:func:`figures.drilldown_table`), so both
  exits hide the same cells; when that table hides a total that is the region's own figure
  (which the pages publish), every subregion count is masked instead;
- every other breakdown is a partition of a published total (the region's count; the
  subregion's count for its municipalities) protected with :func:`suppression.partition_masks`:
  its remainder (cases without an age band, …) takes part, a total hidden elsewhere is
  protected here too, and a breakdown that could only be protected by hiding a total that is
  published elsewhere is withheld as a whole;
- organisations: only the caller's own organisation is shown (others are not named, issue 15
  item 6), with primary suppression.

Nothing here writes; the FHIR layer maps these objects and owns everything FHIR-shaped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Municipality, Organization, Subregion

from . import figures, suppression
from .constants import AreaType, Breakdown, Unit
from .models import IssuedReport, KpiValue, KpiVersion
from .periods import Period

#: Stratifier families in the order they are published: the catalogue's breakdowns, then the
#: subgroup families some rules compute (place of death, urgency, office hours, setting).
BREAKDOWN_FAMILIES = (
    Breakdown.SUBREGION,
    Breakdown.MUNICIPALITY,
    Breakdown.ORGANIZATION,
    Breakdown.AGE_BAND,
    Breakdown.DIAGNOSIS_GROUP,
)
#: The subgroup prefix (``KpiValue.subgroup``) of a breakdown family.
SUBGROUP_PREFIX: dict[str, str] = {Breakdown.AGE_BAND: "age", Breakdown.DIAGNOSIS_GROUP: "dx"}
EXTRA_FAMILIES = ("place", "urgency", "hours", "setting")
#: Units whose value is a statistic of the cases (median, percentile), without a numerator.
STATISTIC_UNITS = frozenset({Unit.DAYS, Unit.MINUTES})


# --- the catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiSpec:
    """One version of a KPI's definition, as published."""

    pk: int
    definition_pk: int
    code: str
    version: int
    versions: tuple[int, ...]
    number: str
    name_nl: str
    name_en: str
    domain: str
    domain_label: str
    kind: str
    kind_label: str
    unit: str
    numerator: str
    denominator: str
    inclusions: str
    exclusions: str
    period: str
    reference_date: str
    source: str
    source_label: str
    direction: str
    change_note: str
    created_at: dt.datetime
    is_current: bool
    in_use: bool
    families: tuple[str, ...]

    @property
    def retired(self) -> bool:
        """An earlier version, or a KPI no longer in use."""
        return not (self.is_current and self.in_use)

    @property
    def statistic(self) -> bool:
        return self.unit in STATISTIC_UNITS


def kpi_specs() -> list[KpiSpec]:
    """Every version of every KPI, in catalogue order (three queries)."""
    versions = list(
        KpiVersion.objects.select_related("definition")
        .annotate(current_pk=F("definition__current_id"))
        .order_by("definition__position", "definition__code", "version")
    )
    extras: dict[int, set[str]] = defaultdict(set)
    for version_id, subgroup in (
        KpiValue.objects.filter(area_type=AreaType.REGION)
        .exclude(subgroup="")
        .values_list("version_id", "subgroup")
        .distinct()
        .order_by()
    ):
        prefix = subgroup.partition(":")[0]
        if prefix in EXTRA_FAMILIES:
            extras[version_id].add(prefix)
    numbers: dict[int, list[int]] = defaultdict(list)
    for v in versions:
        numbers[v.definition_id].append(v.version)
    with translation.override("nl"):
        return [
            KpiSpec(
                pk=v.pk,
                definition_pk=v.definition_id,
                code=v.definition.code,
                version=v.version,
                versions=tuple(numbers[v.definition_id]),
                number=v.number,
                name_nl=v.name_nl,
                name_en=v.name_en,
                domain=v.domain,
                domain_label=str(v.get_domain_display()),
                kind=v.kind,
                kind_label=str(v.get_kind_display()),
                unit=v.unit,
                numerator=v.numerator,
                denominator=v.denominator,
                inclusions=v.inclusions,
                exclusions=v.exclusions,
                period=v.period,
                reference_date=v.reference_date,
                source=v.source,
                source_label=str(v.get_source_display()),
                direction=v.direction,
                change_note=v.change_note,
                created_at=v.created_at,
                is_current=v.pk == getattr(v, "current_pk", None),
                in_use=v.definition.is_active,
                families=tuple(f for f in BREAKDOWN_FAMILIES if f in (v.breakdowns or []))
                + tuple(f for f in EXTRA_FAMILIES if f in extras[v.pk]),
            )
            for v in versions
        ]


def family_label(family: str) -> str:
    """The Dutch name of a stratifier family."""
    labels = {
        Breakdown.SUBREGION: "subregio",
        Breakdown.MUNICIPALITY: "gemeente",
        Breakdown.ORGANIZATION: "organisatie",
        Breakdown.AGE_BAND: "leeftijdsgroep",
        Breakdown.DIAGNOSIS_GROUP: "diagnosegroep",
        "place": "plaats van overlijden",
        "urgency": "urgentie",
        "hours": "kantoortijd of ANW-uren",
        "setting": "thuis of intramuraal",
    }
    return labels.get(family, family)


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A published count: its value, or masked (a small count, or one that would reveal one)."""

    value: int | None
    masked: bool = False

    @classmethod
    def of(cls, raw: float | None, masked: bool) -> Count | None:
        if raw is None:
            return None
        if masked or suppression.is_small(raw):
            return cls(None, True)
        return cls(round(raw))


@dataclass(frozen=True)
class Figures:
    """Numerator and denominator counts and the value, as published."""

    numerator: Count | None
    denominator: Count | None
    value: float | None
    value_masked: bool


@dataclass(frozen=True)
class Stratum:
    code: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Stratifier:
    family: str
    label: str
    strata: tuple[Stratum, ...]


@dataclass(frozen=True)
class Revision:
    """An issued regional report showed a figure of this result that has changed since."""

    report_title: str
    issued_at: dt.datetime
    marked_at: dt.datetime | None


@dataclass(frozen=True)
class ReportKey:
    """A stored result over the region: a KPI version and a period."""

    version_pk: int
    period: Period
    computed_at: dt.datetime

    @property
    def complete(self) -> bool:
        """Whether the period has ended (the figure of a running period is provisional)."""
        return self.period.end <= timezone.localdate()


@dataclass(frozen=True)
class RegionReport:
    key: ReportKey
    spec: KpiSpec
    region_name: str
    reporter: tuple[int, str] | None
    figures: Figures
    stratifiers: tuple[Stratifier, ...]
    revision: Revision | None


def report_keys(version_pks: set[int] | None = None) -> list[ReportKey]:
    """Every stored result over the region (a KPI version and a period), newest period first
    (one query, plus the region)."""
    region = figures.default_region()
    if region is None:
        return []
    rows = KpiValue.objects.filter(area_type=AreaType.REGION, area_id=region.pk, subgroup="")
    if version_pks is not None:
        rows = rows.filter(version_id__in=version_pks)
    return [
        ReportKey(version_id, Period(start, kind), computed_at)
        for version_id, kind, start, computed_at in rows.order_by(
            "-period_start", "period_type", "version_id"
        ).values_list("version_id", "period_type", "period_start", "computed_at")
    ]


def network_organization() -> Organization | None:
    """The network's own organisation in the directory (the reporter of the figures)."""
    return (
        Organization.objects.filter(type=OrganizationType.NETWORK_OFFICE, is_active=True)
        .order_by("pk")
        .first()
    )


Values = dict[tuple[str, int, str], tuple[float | None, float | None, float | None]]


def region_reports(
    keys: list[ReportKey], specs: dict[int, KpiSpec], *, organization_id: int | None
) -> list[RegionReport]:
    """The published reports of ``keys``: a fixed number of queries however many keys."""
    region = figures.default_region()
    if region is None or not keys:
        return []
    subs = figures.subregions(region)
    municipalities: dict[int, list[Municipality]] = defaultdict(list)
    for municipality in Municipality.objects.filter(subregion__region=region).order_by("name"):
        assert municipality.subregion_id is not None
        municipalities[municipality.subregion_id].append(municipality)
    own = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    reporter = network_organization()
    values: dict[tuple[int, str, dt.date], Values] = defaultdict(dict)
    wanted = {(k.version_pk, k.period.type, k.period.start) for k in keys}
    for v in KpiValue.objects.filter(
        version_id__in={k.version_pk for k in keys},
        period_start__in={k.period.start for k in keys},
    ).values_list(
        "version_id",
        "period_type",
        "period_start",
        "area_type",
        "area_id",
        "subgroup",
        "numerator",
        "denominator",
        "value",
    ):
        if (v[0], v[1], v[2]) in wanted:
            values[(v[0], v[1], v[2])][(v[3], v[4], v[5])] = (v[6], v[7], v[8])
    issued = list(
        IssuedReport.objects.only("title", "issued_at", "revised_at", "figures").order_by(
            "issued_at", "pk"
        )
    )
    found = []
    with translation.override("nl"):
        for key in keys:
            spec = specs[key.version_pk]
            vals = values[(key.version_pk, key.period.type, key.period.start)]
            headline, stratifiers = _publish(
                spec, key.period, region.pk, vals, subs, municipalities, own
            )
            found.append(
                RegionReport(
                    key=key,
                    spec=spec,
                    region_name=region.name,
                    reporter=(reporter.pk, reporter.name) if reporter else None,
                    figures=headline,
                    stratifiers=stratifiers,
                    revision=_revision(key, vals, region.pk, issued),
                )
            )
    return found


def _revision(
    key: ReportKey, vals: Values, region_id: int, issued: list[IssuedReport]
) -> Revision | None:
    """The last issued report that showed a figure of this result which has changed since
    ("herzien"): issued reports keep the figures they showed."""
    found = None
    for report in issued:
        for f in report.figures or []:
            if (
                f.get("version") != key.version_pk
                or f.get("period_type") != key.period.type
                or f.get("period_start") != key.period.start.isoformat()
            ):
                continue
            now = vals.get((f.get("area_type"), f.get("area_id"), f.get("subgroup", "")))
            if not _same(now[2] if now else None, f.get("value")):
                found = Revision(report.title, report.issued_at, report.revised_at)
                break
    return found


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


# --- suppression of one result --------------------------------------------------------------


@dataclass
class _Cell:
    raw: tuple[float | None, float | None, float | None]
    num_masked: bool = False
    den_masked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _figures(spec: KpiSpec, cell: _Cell) -> Figures:
    num, den, value = cell.raw
    numerator = None if spec.statistic else Count.of(num, cell.num_masked)
    denominator = Count.of(den, cell.den_masked)
    masked = bool((numerator and numerator.masked) or (denominator and denominator.masked))
    if spec.unit == Unit.COUNT:
        # The value is the count itself (delivered counts): published as a count.
        shown = None if masked or numerator is None else float(numerator.value or 0)
    elif spec.statistic:
        # A median or percentile reveals no count: only its number of cases decides.
        shown = suppression.published_value(value, den)
    else:
        # A rate next to its denominator gives the numerator back (and the other way round).
        shown = None if masked else suppression.published_value(value, den)
    return Figures(numerator, denominator, shown, value is not None and shown is None)


def _int(x: float | None) -> int:
    return round(x) if x is not None else 0


def _publish(
    spec: KpiSpec,
    period: Period,
    region_id: int,
    vals: Values,
    subs: list[Subregion],
    municipalities: dict[int, list[Municipality]],
    own: Organization | None,
) -> tuple[Figures, tuple[Stratifier, ...]]:
    empty = (None, None, None)
    head = _Cell(vals.get((AreaType.REGION, region_id, ""), empty))
    num, den, _value = head.raw
    head.num_masked = suppression.is_small(num)
    head.den_masked = suppression.is_small(den)
    stratifiers: list[Stratifier] = []

    # The hub: the subregions, exactly the page's drill-down table.
    sub_cells: dict[int, _Cell] = {}
    if Breakdown.SUBREGION in spec.families and subs:
        points = []
        for s in subs:
            raw = vals.get((AreaType.SUBREGION, s.pk, ""))
            sub_cells[s.pk] = _Cell(raw or empty)
            points.append(figures.Point(period, raw[0], raw[1], raw[2], spec.unit) if raw else None)
        table: suppression.Table | None
        if spec.statistic:
            table = suppression.suppress_table([[_int(c.raw[1])] for c in sub_cells.values()])
            columns = {"den": 0}
        else:
            table = figures.drilldown_table(points)
            columns = {"num": 0, "den": 1}
        if table is not None:
            sums = [sum(_int(c.raw[i]) for c in sub_cells.values()) for i in (0, 1)]
            totals_hidden = [
                "num" in columns
                and not head.num_masked
                and _int(num) == sums[0]
                and table.totals[columns["num"]].suppressed,
                not head.den_masked
                and _int(den) == sums[1]
                and table.totals[columns["den"]].suppressed,
            ]
            if table.withheld or any(totals_hidden):
                # The table hides a total that is the region's own figure, which the pages
                # publish (dashboard, report): keep the region's figure and mask every
                # subregion count. That is a subset of what the drill-down shows, so the two
                # exits together still reveal nothing.
                for c in sub_cells.values():
                    c.num_masked = c.den_masked = True
            else:
                for index, s in enumerate(subs):
                    row = table.rows[index]
                    c = sub_cells[s.pk]
                    if "num" in columns:
                        c.num_masked = row[columns["num"]].suppressed
                    c.den_masked = row[columns["den"]].suppressed
        stratifiers.append(
            Stratifier(
                Breakdown.SUBREGION,
                family_label(Breakdown.SUBREGION),
                tuple(
                    Stratum(s.code, s.name, _figures(spec, sub_cells[s.pk]))
                    for s in subs
                    if (AreaType.SUBREGION, s.pk, "") in vals
                ),
            )
        )

    # Municipalities: a partition of their subregion's counts.
    if Breakdown.MUNICIPALITY in spec.families and sub_cells:
        strata = []
        for s in subs:
            members = [
                (m, vals[(AreaType.MUNICIPALITY, m.pk, "")])
                for m in municipalities.get(s.pk, [])
                if (AreaType.MUNICIPALITY, m.pk, "") in vals
            ]
            if not members:
                continue
            cells = [_Cell(raw) for _m, raw in members]
            parent = sub_cells[s.pk]
            _protect(spec, cells, parent)
            strata += [
                Stratum(m.gm_code, m.name, _figures(spec, c))
                for (m, _raw), c in zip(members, cells, strict=True)
            ]
        if strata:
            stratifiers.append(
                Stratifier(
                    Breakdown.MUNICIPALITY, family_label(Breakdown.MUNICIPALITY), tuple(strata)
                )
            )

    # Organisations: only the caller's own, with primary suppression.
    if Breakdown.ORGANIZATION in spec.families and own is not None:
        raw = vals.get((AreaType.ORGANIZATION, own.pk, ""))
        if raw is not None:
            stratifiers.append(
                Stratifier(
                    Breakdown.ORGANIZATION,
                    family_label(Breakdown.ORGANIZATION),
                    (Stratum(own.agb_code or str(own.pk), own.name, _figures(spec, _Cell(raw))),),
                )
            )

    # Region-wide subgroups: partitions of the region's counts.
    for family in spec.families:
        prefix = SUBGROUP_PREFIX.get(family, family if family in EXTRA_FAMILIES else "")
        if not prefix:
            continue
        keys = sorted(
            k[2]
            for k in vals
            if k[0] == AreaType.REGION and k[1] == region_id and k[2].startswith(prefix + ":")
        )
        if not keys:
            continue
        cells = [_Cell(vals[(AreaType.REGION, region_id, k)]) for k in keys]
        _protect(spec, cells, head)
        stratifiers.append(
            Stratifier(
                family,
                family_label(family),
                tuple(
                    Stratum(k.partition(":")[2], subgroup_label(k), _figures(spec, c))
                    for k, c in zip(keys, cells, strict=True)
                ),
            )
        )
    return _figures(spec, head), tuple(stratifiers)


def _protect(spec: KpiSpec, cells: list[_Cell], parent: _Cell) -> None:
    """Mask the parts of a breakdown of ``parent`` (see :func:`suppression.partition_masks`).
    A breakdown whose parts all have the parent's denominator (place of death: each place's
    share of all deaths) is a distribution of that denominator over the numerators; a part
    equal to the parent's own numerator is then published there already, so hiding it there
    too withholds the breakdown."""
    p_num, p_den, _v = parent.raw
    dens = [c.raw[1] for c in cells]
    distribution = (
        not spec.statistic
        and len(cells) > 1
        and p_den is not None
        and all(d is not None and _int(d) == _int(p_den) for d in dens)
    )
    if distribution:
        masks = suppression.partition_masks(
            [_int(c.raw[0]) for c in cells], _int(p_den), total_hidden=parent.den_masked
        )
        if (
            masks is not None
            and not parent.num_masked
            and any(m and _int(c.raw[0]) == _int(p_num) for m, c in zip(masks, cells, strict=True))
        ):
            masks = None
        for i, c in enumerate(cells):
            c.num_masked = masks is None or masks[i]
            c.den_masked = parent.den_masked
        return
    if not spec.statistic and p_num is not None:
        masks = suppression.partition_masks(
            [_int(c.raw[0]) for c in cells], _int(p_num), total_hidden=parent.num_masked
        )
        for i, c in enumerate(cells):
            c.num_masked = masks is None or masks[i]
    if p_den is not None and all(d is not None for d in dens):
        masks = suppression.partition_masks(
            [_int(d) for d in dens], _int(p_den), total_hidden=parent.den_masked
        )
        for i, c in enumerate(cells):
            c.den_masked = masks is None or masks[i]
    else:
        for c in cells:
            c.den_masked = c.raw[1] is not None


def subgroup_label(key: str) -> str:
    """The Dutch (active language) label of a subgroup key such as ``dx:cancer``."""
    from palliare.consultations.constants import Urgency
    from palliare.patients.constants import DiagnosisGroup, PlaceOfDeath

    kind, _sep, code = key.partition(":")
    labels: dict[str, Any] = {
        "dx": dict(DiagnosisGroup.choices),
        "place": dict(PlaceOfDeath.choices),
        "urgency": dict(Urgency.choices),
        "hours": {"office": _("Office hours"), "out": _("Out of hours")},
        "setting": {
            "home": _("Died at home"),
            "intramural": _("Died in a hospital, hospice or nursing home"),
        },
    }
    if kind == "age":
        return f"{_('Age')} {code}"
    return str(labels.get(kind, {}).get(code, code))
