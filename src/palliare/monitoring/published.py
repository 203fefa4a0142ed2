"""The monitoring figures as they leave Palliare for another system (the FHIR ``Measure`` and
``MeasureReport``, issue 15 item 11): every KPI version of the catalogue as plain data, and each
stored result as a report over the region with its breakdowns.

Every count passes through :mod:`suppression`, with the same thresholds as the pages:

- a count from 1 to ``MONITORING_MIN_COUNT`` − 1 is masked, never given as a number;
- a value (rate, median, …) needs a denominator of at least ``MONITORING_MIN_DENOMINATOR``, and is
  also masked when its numerator or denominator is (a rate next to its denominator gives the
  numerator back);
- the subregions are the page's drill-down (:func:`figures.drilldown`), so every
  exit hides the same cells; when that table hides a total that is the region's own figure
  (which the pages publish), every non-zero subregion count is masked instead;
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
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone, translation

from palliare.organizations.constants import OrganizationType
from palliare.organizations.models import Municipality, Organization

from . import figures, strata
from .constants import AreaType
from .models import IssuedReport, KpiValue, KpiVersion
from .periods import Period
from .strata import (
    BREAKDOWN_FAMILIES,
    EXTRA_FAMILIES,
    STATISTIC_UNITS,
    Count,
    Figures,
    Stratifier,
    Stratum,
    Values,
    family_label,
    subgroup_label,
)

__all__ = [
    "Count",
    "Figures",
    "KpiSpec",
    "RegionReport",
    "ReportKey",
    "Revision",
    "Stratifier",
    "Stratum",
    "family_label",
    "kpi_specs",
    "network_organization",
    "region_reports",
    "report_keys",
    "subgroup_label",
]

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


# --- results ----------------------------------------------------------------------------------


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
            headline, stratifiers = strata.publish(
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
