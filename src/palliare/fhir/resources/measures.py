"""The KPI catalogue as ``Measure``: one per KPI version, read and search only (issue 15 item
11, decision 0031), built from :mod:`palliare.monitoring.published`. The ids, canonical URLs,
code systems and helpers here are shared with ``measure_reports`` (the results).

Aggregates contain no patient, so reads are logged as ``fhir.read`` / ``fhir.search`` with
purpose *statistics* and no patient.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, ClassVar

from django.conf import settings

from palliare.audit import services as audit
from palliare.audit.constants import AuditAction
from palliare.monitoring import published
from palliare.monitoring.constants import STATISTICS_PURPOSE, Breakdown, Direction, KpiKind, Unit
from palliare.monitoring.periods import Period

from ..constants import EXT_TRANSLATION
from ..context import FhirContext
from ..search import Criterion, Query, SearchParam, parse_token
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
    return {"coding": [coding(IMPROVEMENT, code)]}


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


def coding(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def log_read(ctx: FhirContext, event: str, details: dict[str, Any]) -> None:
    audit.record(
        event,
        actor=ctx.actor,
        action=AuditAction.READ,
        purpose=STATISTICS_PURPOSE,
        details=details,
    )


def instant_text(value: dt.datetime) -> str:
    from ..search import instant

    return instant(value)


# --- Measure ----------------------------------------------------------------------------------


def _population(code: str, text: str) -> dict[str, Any]:
    return {
        "code": {"coding": [coding(POPULATION, code)]},
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
        "meta": {"lastUpdated": instant_text(spec.created_at)},
        "extension": [
            {
                "url": EXT_SOURCE,
                "valueCoding": coding(SOURCE_SYSTEM, spec.source, spec.source_label),
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
        "date": instant_text(spec.created_at),
        "publisher": str(getattr(settings, "NETWORK_NAME", "Palliare")),
        "description": description(spec),
        "topic": [
            {
                "coding": [coding(DOMAIN_SYSTEM, spec.domain, spec.domain_label)],
                "text": f"NPPZ: {spec.domain_label}",
            },
            {
                "coding": [coding(KIND_SYSTEM, spec.kind, spec.kind_label)],
                "text": f"KPI-type: {spec.kind_label}",
            },
        ],
        "scoring": {"coding": [coding(SCORING, SCORING_BY_UNIT.get(spec.unit, "proportion"))]},
        "type": [{"coding": [coding(MEASURE_TYPE, MEASURE_TYPE_BY_KIND[spec.kind])]}],
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
                    "coding": [coding(STRATIFIER_SYSTEM, family, published.family_label(family))],
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


def all_specs() -> list[published.KpiSpec]:
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
        spec = find_spec(all_specs(), logical_id)
        if spec is None:
            raise not_found(self.resource_type, logical_id)
        log_read(ctx, "fhir.read", {"resource": f"Measure/{logical_id}"})
        return measure_resource(spec)

    def search(self, ctx: FhirContext, query: Query) -> tuple[list[dict[str, Any]], int]:
        specs = [s for s in all_specs() if all(self._matches(s, c) for c in query.criteria)]
        page = specs[query.offset : query.offset + query.count] if query.count else []
        log_read(ctx, "fhir.search", {"type": self.resource_type, "count": len(page)})
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
