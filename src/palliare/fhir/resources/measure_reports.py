"""Stored KPI results as ``MeasureReport`` (type ``summary``): one per KPI version and period over
the region, built from :mod:`palliare.monitoring.published` (decision 0031). A masked count is a
``data-absent-reason`` (``masked``) extension instead of a number."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone

from palliare.monitoring import published
from palliare.monitoring.constants import Breakdown, Direction, Unit
from palliare.monitoring.periods import Period

from .. import identity
from ..constants import AGB
from ..context import FhirContext
from ..search import Criterion, Query, SearchParam, date_matches, date_range, parse_token
from .base import Handler, not_found, register
from .measures import (
    EXT_DATA_ABSENT,
    EXT_REVISED,
    POPULATION,
    SCORING_BY_UNIT,
    STRATIFIER_SYSTEM,
    UCUM,
    UCUM_BY_UNIT,
    all_specs,
    canonical,
    coding,
    find_spec,
    improvement,
    instant_text,
    log_read,
    parse_period,
    report_id,
    specs_for_reference,
)

_REPORT_ID = re.compile(r"^(?P<measure>[A-Za-z0-9.-]+-v\d{1,6})-(?P<period>\d{4}(?:Q[1-4])?)$")


def _masked() -> dict[str, Any]:
    return {"extension": [{"url": EXT_DATA_ABSENT, "valueCode": "masked"}]}


def _count(code: str, count: published.Count | None) -> dict[str, Any] | None:
    if count is None:
        return None
    item: dict[str, Any] = {"code": {"coding": [coding(POPULATION, code)]}}
    if count.masked:
        item["_count"] = _masked()
    else:
        item["count"] = count.value
    return item


def _score(spec: published.KpiSpec, figures: published.Figures) -> dict[str, Any] | None:
    if figures.value_masked:
        return _masked()
    if figures.value is None:
        return None
    code, unit = UCUM_BY_UNIT.get(spec.unit, ("1", ""))
    value = figures.value if spec.unit == Unit.COUNT else round(figures.value, 1)
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _group_content(spec: published.KpiSpec, figures: published.Figures) -> dict[str, Any]:
    scoring = SCORING_BY_UNIT.get(spec.unit, "proportion")
    if scoring == "proportion":
        populations = [
            _count("numerator", figures.numerator),
            _count("denominator", figures.denominator),
        ]
    elif scoring == "continuous-variable":
        populations = [_count("measure-population", figures.denominator)]
    else:
        populations = [_count("initial-population", figures.numerator)]
    content: dict[str, Any] = {}
    shown = [p for p in populations if p is not None]
    if shown:
        content["population"] = shown
    score = _score(spec, figures)
    if score is not None:
        content["measureScore"] = score
    return content


def _stratum_value(family: str, stratum: published.Stratum) -> dict[str, Any]:
    system = (
        AGB
        if family == Breakdown.ORGANIZATION and stratum.code.isdigit()
        else (f"{STRATIFIER_SYSTEM}-{family}")
    )
    return {"coding": [coding(system, stratum.code, stratum.label)], "text": stratum.label}


def reporter_reference(reporter: tuple[int, str] | None) -> dict[str, Any]:
    """The network's Organization (under the id the directory gives it), or its name."""
    if reporter is None:
        return {"display": str(getattr(settings, "NETWORK_NAME", "Palliare"))}
    pk, name = reporter
    row = identity.ids_for("Organization", "organizations.organization", [pk]).get(pk)
    return {
        "reference": f"Organization/{row.logical_id if row else pk}",
        "type": "Organization",
        "display": name,
    }


def report_resource(
    report: published.RegionReport, reporter: dict[str, Any] | None = None
) -> dict[str, Any]:
    spec, period = report.spec, report.key.period
    group: dict[str, Any] = {
        "code": {"text": f"{report.region_name}"},
        **_group_content(spec, report.figures),
    }
    stratifiers = []
    for stratifier in report.stratifiers:
        strata = []
        for stratum in stratifier.strata:
            strata.append(
                {
                    "value": _stratum_value(stratifier.family, stratum),
                    **_group_content(spec, stratum.figures),
                }
            )
        if strata:
            stratifiers.append(
                {
                    "code": [
                        {
                            "coding": [
                                coding(STRATIFIER_SYSTEM, stratifier.family, stratifier.label)
                            ],
                            "text": stratifier.label,
                        }
                    ],
                    "stratum": strata,
                }
            )
    if stratifiers:
        group["stratifier"] = stratifiers
    resource: dict[str, Any] = {
        "resourceType": "MeasureReport",
        "id": report_id(spec, period),
        "meta": {"lastUpdated": instant_text(report.key.computed_at)},
        "status": "complete" if report.key.complete else "pending",
        "type": "summary",
        "measure": f"{canonical(spec)}|{spec.version}",
        "date": instant_text(report.key.computed_at),
        "reporter": reporter or reporter_reference(report.reporter),
        "period": {
            "start": period.start.isoformat(),
            "end": (period.end - dt.timedelta(days=1)).isoformat(),
        },
        "group": [group],
    }
    if spec.direction != Direction.NONE:
        resource["improvementNotation"] = improvement(spec)
    if report.revision is not None:
        parts = [
            {"url": "status", "valueCode": "herzien"},
            {"url": "report", "valueString": report.revision.report_title},
            {"url": "issued", "valueDateTime": instant_text(report.revision.issued_at)},
        ]
        resource["extension"] = [{"url": EXT_REVISED, "extension": parts}]
    return resource


def period_matches(period: Period, criterion: Criterion) -> bool:
    """FHIR date search against a Period (R4 search §3.1.1.5.6): ``eq`` the search range holds
    the period; ``gt``/``lt`` part of the period lies after/before it; ``ge``/``le`` either;
    ``sa``/``eb`` the whole period lies after/before it; ``ne`` not ``eq``; ``ap`` overlaps."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(period.start.year, period.start.month, period.start.day, tzinfo=tz)
    end = dt.datetime(period.end.year, period.end.month, period.end.day, tzinfo=tz)
    for raw in criterion.values:
        prefix = raw[:2] if raw[:2].isalpha() else "eq"
        _p, low, high = date_range(raw, criterion.name)
        inside = low <= start and end <= high
        ok = {
            "eq": inside,
            "ne": not inside,
            "gt": end > high,
            "lt": start < low,
            "ge": end > high or inside,
            "le": start < low or inside,
            "sa": start >= high,
            "eb": end <= low,
            "ap": start < high and low < end,
        }.get(prefix, False)
        if ok:
            return True
    return False


@register
class MeasureReportHandler(Handler):
    resource_type = "MeasureReport"
    interactions = ("read", "search-type")
    documentation = (
        "KPI results over the region: one summary MeasureReport per KPI version and period "
        "(id <measure id>-<2026Q1|2026>), strata per subregion, municipality, own organisation, "
        "age band, diagnosis group and the rule's own groups. Counts below "
        "MONITORING_MIN_COUNT and counts that would reveal one are masked (data-absent-reason "
        "'masked'); a value needs a denominator of MONITORING_MIN_DENOMINATOR. Read only. "
        "Scope system/MeasureReport.read."
    )
    params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("_id", "token", "MeasureReport.id"),
        "measure": SearchParam(
            "measure",
            "reference",
            "MeasureReport.measure",
            "canonical (every version), canonical|version, or Measure/<id>",
        ),
        "period": SearchParam("period", "date", "MeasureReport.period"),
        "date": SearchParam("date", "date", "MeasureReport.date", "when the figures were computed"),
        "reporter": SearchParam("reporter", "reference", "MeasureReport.reporter"),
        "status": SearchParam(
            "status", "token", "MeasureReport.status", "complete (period ended) | pending"
        ),
    }

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        match = _REPORT_ID.match(logical_id)
        specs = all_specs()
        spec = find_spec(specs, match.group("measure")) if match else None
        period = parse_period(match.group("period")) if match else None
        keys = (
            [k for k in published.report_keys({spec.pk}) if k.period == period]
            if spec is not None and period is not None
            else []
        )
        if spec is None or not keys:
            raise not_found(self.resource_type, logical_id)
        report = published.region_reports(
            keys, {spec.pk: spec}, organization_id=ctx.actor.organization_id
        )[0]
        log_read(ctx, "fhir.read", {"resource": f"MeasureReport/{logical_id}"})
        return report_resource(report)

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        specs = all_specs()
        by_pk = {s.pk: s for s in specs}
        wanted: set[int] | None = None
        for c in query.get("measure"):
            named = {s.pk for v in c.values for s in specs_for_reference(specs, v)}
            wanted = named if wanted is None else wanted & named
        keys = published.report_keys(wanted)
        reporter = self._reporter_pk(query)
        for c in query.criteria:
            keys = [k for k in keys if self._matches(k, by_pk, c, reporter)]
        page = keys[query.offset : query.offset + query.count] if query.count else []
        reports = published.region_reports(page, by_pk, organization_id=ctx.actor.organization_id)
        log_read(ctx, "fhir.search", {"type": self.resource_type, "count": len(page)})
        reference = reporter_reference(reports[0].reporter) if reports else None
        return [report_resource(r, reference) for r in reports], len(keys)

    def _reporter_pk(self, query: Query) -> int | None:
        if not query.get("reporter"):
            return None
        network = published.network_organization()
        return network.pk if network is not None else None

    def _matches(
        self,
        key: published.ReportKey,
        specs: dict[int, published.KpiSpec],
        c: Criterion,
        reporter: int | None,
    ) -> bool:
        spec = specs.get(key.version_pk)
        if spec is None:
            return False
        if c.name == "_id":
            return any(parse_token(v)[1] == report_id(spec, key.period) for v in c.values)
        if c.name == "period":
            return period_matches(key.period, c)
        if c.name == "date":
            return date_matches(key.computed_at, c)
        if c.name == "status":
            status = "complete" if key.complete else "pending"
            return any(parse_token(v)[1] == status for v in c.values)
        if c.name == "reporter":
            if reporter is None:
                return False
            from .directory import organization_pk

            for value in c.values:
                logical = value.rstrip("/").rsplit("/", 1)[-1]
                if value.count("/") and "Organization/" not in value:
                    continue
                if organization_pk(logical) == reporter:
                    return True
            return False
        return True
