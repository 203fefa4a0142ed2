"""The KPI catalogue as ``Measure`` (one per KPI version) and the stored results as
``MeasureReport`` (type ``summary``, one per KPI version and period, over the region), read and
search only (issue 15 item 11, decision 0031).

Both are built from :mod:`palliare.monitoring.published`, which applies the small-number
suppression of every other exit; a masked count is a ``data-absent-reason`` (``masked``)
extension instead of a number. Aggregates contain no patient, so reads are logged as
``fhir.read`` / ``fhir.search`` with purpose *statistics* and no patient.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction
from palliare.monitoring import published
from palliare.monitoring.constants import STATISTICS_PURPOSE, Breakdown, Direction, KpiKind, Unit
from palliare.monitoring.periods import Period

from .. import identity
from ..constants import AGB, EXT_TRANSLATION
from ..context import FhirContext
from ..search import Criterion, Query, SearchParam, date_matches, date_range, parse_token
from .base import Handler, not_found, register

PALLIARE = "https://palliare.nl/fhir"
KPI_NUMBER_SYSTEM = f"{PALLIARE}/NamingSystem/kpi-number"
KPI_CODE_SYSTEM = f"{PALLIARE}/NamingSystem/kpi-code"
DOMAIN_SYSTEM = f"{PALLIARE}/CodeSystem/nppz-domain"
KIND_SYSTEM = f"{PALLIARE}/CodeSystem/kpi-type"
SOURCE_SYSTEM = f"{PALLIARE}/CodeSystem/kpi-source"
STRATIFIER_SYSTEM = f"{PALLIARE}/CodeSystem/kpi-breakdown"
EXT_SOURCE = f"{PALLIARE}/StructureDefinition/kpi-source"
EXT_REVISED = f"{PALLIARE}/StructureDefinition/measurereport-revised"
EXT_DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
SCORING = "http://terminology.hl7.org/CodeSystem/measure-scoring"
IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
MEASURE_TYPE = "http://terminology.hl7.org/CodeSystem/measure-type"
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
UCUM = "http://unitsofmeasure.org"

#: Scoring per KPI unit: shares are proportions, medians and percentiles continuous
#: variables, delivered counts cohorts.
SCORING_BY_UNIT: dict[str, str] = {
    Unit.PERCENT: "proportion",
    Unit.DAYS: "continuous-variable",
    Unit.MINUTES: "continuous-variable",
    Unit.COUNT: "cohort",
}
UCUM_BY_UNIT: dict[str, tuple[str, str]] = {
    Unit.PERCENT: ("%", "%"),
    Unit.DAYS: ("d", "dagen"),
    Unit.MINUTES: ("min", "minuten"),
    Unit.COUNT: ("1", "aantal"),
}
MEASURE_TYPE_BY_KIND: dict[str, str] = {
    KpiKind.EFFORT: "process",
    KpiKind.RESULT: "outcome",
    KpiKind.OUTCOME: "outcome",
}

_PLAIN_CODE = re.compile(r"^[A-Za-z0-9-]{1,40}$")
_MEASURE_ID = re.compile(r"^(?P<key>[A-Za-z0-9.-]+)-v(?P<version>\d{1,6})$")
_REPORT_ID = re.compile(r"^(?P<measure>[A-Za-z0-9.-]+-v\d{1,6})-(?P<period>\d{4}(?:Q[1-4])?)$")


# --- ids and canonical URLs -----------------------------------------------------------------


def measure_key(spec: published.KpiSpec) -> str:
    """The KPI's part of the ids: its code, or ``kpi.<pk>`` for a code FHIR ids cannot carry
    (underscores, more than 40 characters). A code never contains a dot, so the two never
    collide."""
    return spec.code if _PLAIN_CODE.match(spec.code) else f"kpi.{spec.definition_pk}"


def measure_id(spec: published.KpiSpec) -> str:
    return f"{measure_key(spec)}-v{spec.version}"


def period_label(period: Period) -> str:
    return period.label.replace(" ", "")


def report_id(spec: published.KpiSpec, period: Period) -> str:
    return f"{measure_id(spec)}-{period_label(period)}"


def parse_period(label: str) -> Period | None:
    if len(label) == 4:
        return Period.year(int(label))
    if len(label) == 6 and label[4] == "Q":
        return Period.quarter(int(label[:4]), int(label[5]))
    return None


def canonical_base() -> str:
    """Canonical URLs are the installation's (``SITE_URL``), not the host a request used."""
    site = str(getattr(settings, "SITE_URL", "") or "https://palliare.invalid")
    return site.rstrip("/") + "/fhir"


def improvement(spec: published.KpiSpec) -> dict[str, Any]:
    """increase (higher is better) or decrease (lower is better)."""
    code = "increase" if spec.direction == Direction.HIGHER else "decrease"
    return {"coding": [_coding(IMPROVEMENT, code)]}


def canonical(spec: published.KpiSpec) -> str:
    """The KPI's canonical URL; the same for every version (``version`` tells them apart)."""
    return f"{canonical_base()}/Measure/{measure_key(spec)}"


def computable_name(code: str) -> str:
    parts = re.split(r"[^A-Za-z0-9]+", code)
    name = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return name if name[:1].isalpha() else f"Kpi{name}"


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for string search."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def string_matches(value: str, criterion: Criterion) -> bool:
    for wanted in criterion.values:
        if criterion.modifier == "exact":
            if value == wanted:
                return True
        elif criterion.modifier == "contains":
            if _fold(wanted) in _fold(value):
                return True
        elif _fold(value).startswith(_fold(wanted)):
            return True
    return False


def _coding(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _audit(ctx: FhirContext, event: str, details: dict[str, Any]) -> None:
    audit.record(
        event,
        actor=ctx.actor,
        action=AuditAction.READ,
        purpose=STATISTICS_PURPOSE,
        details=details,
    )


def _instant(value: dt.datetime) -> str:
    from ..search import instant

    return instant(value)


# --- Measure ----------------------------------------------------------------------------------


def _population(code: str, text: str) -> dict[str, Any]:
    return {
        "code": {"coding": [_coding(POPULATION, code)]},
        "criteria": {"language": "text/plain", "expression": text},
    }


def _populations(spec: published.KpiSpec) -> list[dict[str, Any]]:
    scoring = SCORING_BY_UNIT.get(spec.unit, "proportion")
    found = []
    if spec.inclusions:
        found.append(_population("initial-population", spec.inclusions))
    if scoring == "proportion":
        if spec.denominator:
            found.append(_population("denominator", spec.denominator))
        if spec.exclusions:
            found.append(_population("denominator-exclusion", spec.exclusions))
        found.append(_population("numerator", spec.numerator or spec.name_nl))
    elif scoring == "continuous-variable":
        if spec.denominator:
            found.append(_population("measure-population", spec.denominator))
        if spec.exclusions:
            found.append(_population("measure-population-exclusion", spec.exclusions))
        found.append(_population("measure-observation", spec.numerator or spec.name_nl))
    elif not spec.inclusions:
        found.append(_population("initial-population", spec.numerator or spec.name_nl))
    return found


def description(spec: published.KpiSpec) -> str:
    """The calculation rule in plain Dutch (markdown)."""
    parts = [
        ("Teller", spec.numerator),
        ("Noemer", spec.denominator),
        ("Inclusies", spec.inclusions),
        ("Exclusies", spec.exclusions),
        ("Periode", spec.period),
        ("Peildatum", spec.reference_date),
        ("Bron", spec.source_label),
    ]
    text = "\n\n".join(f"**{label}:** {value}" for label, value in parts if value)
    if spec.change_note:
        text += f"\n\n**Wijziging in versie {spec.version}:** {spec.change_note}"
    return text


def measure_resource(spec: published.KpiSpec) -> dict[str, Any]:
    url = canonical(spec)
    resource: dict[str, Any] = {
        "resourceType": "Measure",
        "id": measure_id(spec),
        "meta": {"lastUpdated": _instant(spec.created_at)},
        "extension": [
            {
                "url": EXT_SOURCE,
                "valueCoding": _coding(SOURCE_SYSTEM, spec.source, spec.source_label),
            }
        ],
        "url": url,
        "identifier": [
            {"use": "official", "system": KPI_NUMBER_SYSTEM, "value": spec.number},
            {"use": "secondary", "system": KPI_CODE_SYSTEM, "value": spec.code},
        ],
        "version": str(spec.version),
        "name": computable_name(spec.code),
        "title": spec.name_nl,
        "_title": {
            "extension": [
                {
                    "url": EXT_TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": "en"},
                        {"url": "content", "valueString": spec.name_en},
                    ],
                }
            ]
        },
        "status": "retired" if spec.retired else "active",
        "experimental": False,
        "date": _instant(spec.created_at),
        "publisher": str(getattr(settings, "NETWORK_NAME", "Palliare")),
        "description": description(spec),
        "topic": [
            {
                "coding": [_coding(DOMAIN_SYSTEM, spec.domain, spec.domain_label)],
                "text": f"NPPZ: {spec.domain_label}",
            },
            {
                "coding": [_coding(KIND_SYSTEM, spec.kind, spec.kind_label)],
                "text": f"KPI-type: {spec.kind_label}",
            },
        ],
        "scoring": {"coding": [_coding(SCORING, SCORING_BY_UNIT.get(spec.unit, "proportion"))]},
        "type": [{"coding": [_coding(MEASURE_TYPE, MEASURE_TYPE_BY_KIND[spec.kind])]}],
        "group": [{"population": _populations(spec)}],
    }
    if spec.direction != Direction.NONE:
        resource["improvementNotation"] = improvement(spec)
    related = []
    earlier = [v for v in spec.versions if v < spec.version]
    later = [v for v in spec.versions if v > spec.version]
    if earlier:
        related.append({"type": "predecessor", "resource": f"{url}|{max(earlier)}"})
    if later:
        related.append({"type": "successor", "resource": f"{url}|{min(later)}"})
    if related:
        resource["relatedArtifact"] = related
    if spec.families:
        resource["group"][0]["stratifier"] = [
            {
                "code": {
                    "coding": [_coding(STRATIFIER_SYSTEM, family, published.family_label(family))],
                    "text": published.family_label(family),
                },
                **(
                    {"description": "Alleen de eigen organisatie van de vrager."}
                    if family == Breakdown.ORGANIZATION
                    else {}
                ),
            }
            for family in spec.families
        ]
    return resource


def _specs() -> list[published.KpiSpec]:
    return published.kpi_specs()


def find_spec(specs: list[published.KpiSpec], logical_id: str) -> published.KpiSpec | None:
    return next((s for s in specs if measure_id(s) == logical_id), None)


def specs_for_reference(specs: list[published.KpiSpec], value: str) -> list[published.KpiSpec]:
    """The versions a ``measure`` search value names: a canonical URL (every version), a
    canonical with ``|version``, or a reference ``Measure/<id>`` (absolute or relative)."""
    url, _bar, version = value.partition("|")
    by_url = [s for s in specs if canonical(s) == url]
    if by_url:
        return [s for s in by_url if not version or str(s.version) == version]
    target = value.rstrip("/").rsplit("/", 1)[-1]
    if "/Measure/" in f"/{value}" or "/" not in value:
        spec = find_spec(specs, target)
        return [spec] if spec is not None else []
    return []


@register
class MeasureHandler(Handler):
    resource_type = "Measure"
    interactions = ("read", "search-type")
    documentation = (
        "The KPI catalogue: one Measure per KPI version (id <code>-v<version>; url the KPI's "
        "canonical, version the catalogue version). Read only. Scope system/Measure.read."
    )
    params: ClassVar[dict[str, SearchParam]] = {
        "_id": SearchParam("_id", "token", "Measure.id"),
        "url": SearchParam(
            "url", "uri", "Measure.url", "canonical URL; url|version narrows to one version"
        ),
        "version": SearchParam("version", "token", "Measure.version"),
        "name": SearchParam(
            "name", "string", "Measure.name", "computable name", modifiers=("exact", "contains")
        ),
        "title": SearchParam(
            "title",
            "string",
            "Measure.title",
            "Dutch or English name",
            modifiers=("exact", "contains"),
        ),
        "status": SearchParam("status", "token", "Measure.status", "active | retired"),
        "identifier": SearchParam(
            "identifier",
            "token",
            "Measure.identifier",
            f"KPI number ({KPI_NUMBER_SYSTEM}|R1) or code ({KPI_CODE_SYSTEM}|<code>)",
        ),
    }

    def read(self, ctx: FhirContext, logical_id: str) -> dict[str, Any]:
        spec = find_spec(_specs(), logical_id)
        if spec is None:
            raise not_found(self.resource_type, logical_id)
        _audit(ctx, "fhir.read", {"resource": f"Measure/{logical_id}"})
        return measure_resource(spec)

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        specs = [s for s in _specs() if all(self._matches(s, c) for c in query.criteria)]
        page = specs[query.offset : query.offset + query.count] if query.count else []
        _audit(ctx, "fhir.search", {"type": self.resource_type, "count": len(page)})
        return [measure_resource(s) for s in page], len(specs)

    def _matches(self, spec: published.KpiSpec, c: Criterion) -> bool:
        if c.name == "_id":
            return any(parse_token(v)[1] == measure_id(spec) for v in c.values)
        if c.name == "url":
            for value in c.values:
                url, _bar, version = value.partition("|")
                if url == canonical(spec) and (not version or version == str(spec.version)):
                    return True
            return False
        if c.name == "version":
            return any(parse_token(v)[1] == str(spec.version) for v in c.values)
        if c.name == "name":
            return string_matches(computable_name(spec.code), c)
        if c.name == "title":
            return string_matches(spec.name_nl, c) or string_matches(spec.name_en, c)
        if c.name == "status":
            status = "retired" if spec.retired else "active"
            return any(parse_token(v)[1] == status for v in c.values)
        if c.name == "identifier":
            for value in c.values:
                system, code = parse_token(value)
                for sys, own in ((KPI_NUMBER_SYSTEM, spec.number), (KPI_CODE_SYSTEM, spec.code)):
                    if (system in (None, sys)) and (code is None or code == own):
                        return True
            return False
        return True


# --- MeasureReport ------------------------------------------------------------------------------


def _masked() -> dict[str, Any]:
    return {"extension": [{"url": EXT_DATA_ABSENT, "valueCode": "masked"}]}


def _count(code: str, count: published.Count | None) -> dict[str, Any] | None:
    if count is None:
        return None
    item: dict[str, Any] = {"code": {"coding": [_coding(POPULATION, code)]}}
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
    return {"coding": [_coding(system, stratum.code, stratum.label)], "text": stratum.label}


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
                                _coding(STRATIFIER_SYSTEM, stratifier.family, stratifier.label)
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
        "meta": {"lastUpdated": _instant(report.key.computed_at)},
        "status": "complete" if report.key.complete else "pending",
        "type": "summary",
        "measure": f"{canonical(spec)}|{spec.version}",
        "date": _instant(report.key.computed_at),
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
            {"url": "issued", "valueDateTime": _instant(report.revision.issued_at)},
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
        specs = _specs()
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
        _audit(ctx, "fhir.read", {"resource": f"MeasureReport/{logical_id}"})
        return report_resource(report)

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        specs = _specs()
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
        _audit(ctx, "fhir.search", {"type": self.resource_type, "count": len(page)})
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
