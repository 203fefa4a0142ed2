"""Search: parameters, modifiers and prefixes as the FHIR R4 search page defines them, and the
searchset Bundle with paging (``_count``, ``_page``, next/previous links) and ``total``.

Unknown parameters are ignored and reported (lenient, the default) or refused with 400 when
the client sends ``Prefer: handling=strict``. Parameters that were applied appear in the
Bundle's self link; ignored ones do not, and an OperationOutcome entry (search mode
``outcome``) names them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE
from .outcome import FhirError, Issue

#: Parameters every search understands (besides each type's own).
RESULT_PARAMETERS = frozenset(
    {"_count", "_page", "_include", "_format", "_pretty", "_total", "_summary", "_elements"}
)
COMMON_PARAMETERS = frozenset({"_id", "_lastUpdated"})
_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")


@dataclass(frozen=True)
class SearchParam:
    """A search parameter a resource type supports (declared in the CapabilityStatement)."""

    name: str
    type: str  # token | reference | date | string | uri
    expression: str
    documentation: str = ""
    modifiers: tuple[str, ...] = ()
    chains: tuple[str, ...] = ()  # chained parameters, e.g. "type" for device.type
    #: Modifiers the chained parameters take (``device.type:in``).
    chain_modifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Criterion:
    """One parameter occurrence: ``name[.chain][:modifier]=v1,v2`` (the values are ORed)."""

    name: str
    modifier: str
    values: tuple[str, ...]
    chain: str = ""

    @property
    def key(self) -> str:
        base = f"{self.name}.{self.chain}" if self.chain else self.name
        return f"{base}:{self.modifier}" if self.modifier else base


@dataclass
class Query:
    resource_type: str
    criteria: list[Criterion] = field(default_factory=list)
    count: int = DEFAULT_PAGE_SIZE
    page: int = 1
    includes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    passthrough: dict[str, str] = field(default_factory=dict)
    #: ``_sort``: (key, descending) in order of precedence.
    sort: list[tuple[str, bool]] = field(default_factory=list)
    #: ``_summary`` (``true``, ``count``, ``data``; ``false`` is the default, empty).
    summary: str = ""
    #: ``_elements``: the top-level elements to return (besides id, meta, resourceType).
    elements: list[str] = field(default_factory=list)
    revincludes: list[str] = field(default_factory=list)

    def get(self, name: str) -> list[Criterion]:
        return [c for c in self.criteria if c.name == name]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.count


def split_values(raw: str) -> tuple[str, ...]:
    """Comma-separated OR list; ``\\,`` is a literal comma."""
    parts = re.split(r"(?<!\\),", raw)
    return tuple(p.replace("\\,", ",") for p in parts if p != "")


def parse_token(value: str) -> tuple[str | None, str | None]:
    """``system|code`` → (system, code); ``|code`` → ("", code); ``code`` → (None, code);
    ``system|`` → (system, None)."""
    if "|" in value:
        system, _bar, code = value.partition("|")
        return system, (code or None)
    return None, value


def token_matches(value: str, system: str | None, code: str | None) -> bool:
    want_system, want_code = parse_token(value)
    if want_system is not None and want_system != (system or ""):
        return False
    return want_code is None or want_code == code


def _bad(message: Any, name: str, **params: Any) -> FhirError:
    return FhirError(
        400,
        Issue("invalid", message, (name,), params={"name": name, **params}, key="bad-parameter"),
    )


def parse_query(
    resource_type: str,
    params: QueryDict,
    supported: dict[str, SearchParam],
    includes: tuple[str, ...],
    strict: bool,
    *,
    sorts: tuple[str, ...] = (),
    revincludes: tuple[str, ...] = (),
) -> Query:
    query = Query(resource_type)
    for raw_name in params:
        values = params.getlist(raw_name)
        name, _colon, modifier = raw_name.partition(":")
        base, _dot, chain = name.partition(".")
        if name in ("_sort", "_summary", "_elements", "_revinclude") and not modifier:
            _result_parameter(query, name, values, strict, sorts, revincludes)
            continue
        if name == "_count":
            try:
                query.count = max(0, min(MAX_PAGE_SIZE, int(values[-1])))
            except ValueError:
                raise _bad(_("%(name)s must be a whole number."), raw_name) from None
            continue
        if name == "_page":
            try:
                query.page = max(1, int(values[-1]))
            except ValueError:
                raise _bad(_("%(name)s must be a whole number."), raw_name) from None
            if query.page > MAX_PAGE:
                raise _bad(
                    _("%(name)s may be at most %(max)s; narrow the search instead."),
                    raw_name,
                    max=MAX_PAGE,
                )
            continue
        if modifier and name.startswith("_") and name not in supported:
            if strict:
                raise _bad(_("Parameter %(name)s is not supported."), raw_name)
            query.ignored.append(raw_name)
            continue
        if name == "_include":
            for value in values:
                if value not in includes:
                    if strict:
                        raise _bad(
                            _("_include=%(value)s is not supported for %(type)s."),
                            raw_name,
                            value=value[:100],
                            type=resource_type,
                        )
                    query.ignored.append(f"_include={value}")
                    continue
                query.includes.append(value)
            continue
        if name in ("_format", "_pretty"):
            query.passthrough[name] = values[-1]
            continue
        if name in RESULT_PARAMETERS:
            if strict:
                raise _bad(_("Parameter %(name)s is not supported."), raw_name)
            query.ignored.append(raw_name)
            continue
        param = supported.get(base)
        if param is not None and chain:
            ok = chain in param.chains and (not modifier or modifier in param.chain_modifiers)
        else:
            ok = param is not None and (not modifier or modifier in param.modifiers)
        if ok and modifier == "missing":
            ok = all(v in ("true", "false") for v in values)
        if not ok:
            if strict:
                raise _bad(
                    _("Search parameter %(name)s is not supported for %(type)s."),
                    raw_name,
                    type=resource_type,
                )
            query.ignored.append(raw_name)
            continue
        for value in values:
            split = split_values(value)
            if not split:
                continue
            if modifier in ("in", "not-in"):
                _check_value_sets(raw_name, split)
            query.criteria.append(Criterion(base, modifier, split, chain))
    return query


def _check_value_sets(name: str, urls: tuple[str, ...]) -> None:
    """``:in`` / ``:not-in`` need a ValueSet this server can expand (the guide's value sets
    shipped in ``fhir/definitions``); an unknown one is a 400, never an empty result that
    looks like "no such resources"."""
    from .validation.definitions import expand

    for url in urls:
        if expand(url) is None:
            raise FhirError(
                400,
                Issue(
                    "not-supported",
                    _(
                        "%(name)s: the value set %(url)s is not known to this server (it "
                        "knows the IKNL ACP and zib value sets it validates with)."
                    ),
                    (name,),
                    params={"name": name, "url": url[:200]},
                    key="unknown-valueset",
                ),
            )


SUMMARY_VALUES = ("true", "count", "data", "false")


def _result_parameter(
    query: Query,
    name: str,
    values: list[str],
    strict: bool,
    sorts: tuple[str, ...],
    revincludes: tuple[str, ...],
) -> None:
    """``_sort``, ``_summary``, ``_elements`` and ``_revinclude`` (decision 0035): what is not
    supported is a 400 under strict handling, else ignored and reported."""

    def refuse(value: str) -> None:
        if strict:
            raise _bad(
                _("%(name)s=%(value)s is not supported for %(type)s."),
                name,
                value=value[:100],
                type=query.resource_type,
            )
        query.ignored.append(f"{name}={value}"[:200])

    for value in values:
        if name == "_sort":
            keys = [k.strip() for k in value.split(",") if k.strip()]
            if not keys or any(k.removeprefix("-") not in sorts for k in keys):
                refuse(value)
                continue
            query.sort = [(k.removeprefix("-"), k.startswith("-")) for k in keys]
        elif name == "_summary":
            if value not in SUMMARY_VALUES:
                refuse(value)
                continue
            query.summary = "" if value == "false" else value
        elif name == "_elements":
            known = element_names(query.resource_type)
            wanted = [e.strip() for e in value.split(",") if e.strip()]
            unknown = [e for e in wanted if e not in known]
            if unknown or not wanted:
                refuse(",".join(unknown) or value)
            query.elements += [e for e in wanted if e in known]
        elif value in revincludes:
            query.revincludes.append(value)
        else:
            refuse(value)


def element_names(resource_type: str) -> frozenset[str]:
    """The top-level elements of a resource type (for ``_elements``)."""
    return _model_elements(resource_type)[0]


def summary_names(resource_type: str) -> frozenset[str]:
    """The top-level elements FHIR marks as summary (``isSummary``) for ``_summary=true``."""
    return _model_elements(resource_type)[1]


def _model_elements(resource_type: str) -> tuple[frozenset[str], frozenset[str]]:
    from functools import cache

    @cache
    def load(rtype: str) -> tuple[frozenset[str], frozenset[str]]:
        try:
            from fhir.resources.R4B import get_fhir_model_class

            model = get_fhir_model_class(rtype)
        except (KeyError, ValueError, ImportError):
            return frozenset(), frozenset()
        names, summary = set(), set()
        for field_name, info in model.model_fields.items():
            if field_name.endswith("__ext") or field_name in ("fhir_comments", "resource_type"):
                continue
            element = info.alias or field_name
            names.add(element)
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if extra.get("summary_element_property"):
                summary.add(element)
        return frozenset(names), frozenset(summary | {"id", "meta"})

    return load(resource_type)


SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
    "display": "subsetted",
}


def subset(resource: dict[str, Any], summary: str, elements: list[str]) -> dict[str, Any]:
    """The resource reduced by ``_summary`` (true: the summary elements; data: without the
    narrative) or ``_elements`` (the named top-level elements), tagged SUBSETTED as FHIR
    asks. Anything else is returned whole."""
    if summary == "true":
        keep = summary_names(resource["resourceType"])
    elif elements:
        keep = frozenset(elements) | {"id", "meta"}
    elif summary == "data":
        keep = frozenset(k for k in resource if k != "text")
    else:
        return resource
    result = {k: v for k, v in resource.items() if k == "resourceType" or k in keep}
    meta = dict(result.get("meta") or {})
    meta["tag"] = [*(meta.get("tag") or []), SUBSETTED]
    result["meta"] = meta
    return result


def sort_resources(resources: list[dict[str, Any]], sort: list[tuple[str, bool]]) -> None:
    """Sort built resources in place by ``_id`` / ``_lastUpdated`` (stable; later keys are
    applied first so the first key wins)."""
    getters = {
        "_id": lambda r: str(r.get("id", "")),
        "_lastUpdated": lambda r: str((r.get("meta") or {}).get("lastUpdated", "")),
    }
    for key, descending in reversed(sort):
        resources.sort(key=getters[key], reverse=descending)


def self_link(base: str, query: Query, page: int | None = None) -> str:
    pairs: list[tuple[str, str]] = []
    for c in query.criteria:
        pairs.append((c.key, ",".join(v.replace(",", "\\,") for v in c.values)))
    for inc in query.includes:
        pairs.append(("_include", inc))
    for inc in query.revincludes:
        pairs.append(("_revinclude", inc))
    if query.sort:
        pairs.append(("_sort", ",".join(("-" if d else "") + k for k, d in query.sort)))
    if query.summary:
        pairs.append(("_summary", query.summary))
    if query.elements:
        pairs.append(("_elements", ",".join(query.elements)))
    pairs.append(("_count", str(query.count)))
    if page is not None and page != 1:
        pairs.append(("_page", str(page)))
    for k, v in query.passthrough.items():
        pairs.append((k, v))
    return f"{base}/{query.resource_type}?{urlencode(pairs)}"


def bundle(
    base: str,
    query: Query,
    matches: list[dict[str, Any]],
    total: int,
    included: list[dict[str, Any]],
    outcome: dict[str, Any] | None,
) -> dict[str, Any]:
    links = [{"relation": "self", "url": self_link(base, query, query.page)}]
    if query.count and query.offset + query.count < total:
        links.append({"relation": "next", "url": self_link(base, query, query.page + 1)})
    if query.page > 1:
        links.append({"relation": "previous", "url": self_link(base, query, query.page - 1)})
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
            "resource": subset(r, query.summary, query.elements),
            "search": {"mode": "match"},
        }
        for r in matches
    ]
    seen = {(r["resourceType"], r["id"]) for r in matches}
    for r in included:
        if (r["resourceType"], r["id"]) in seen:
            continue
        seen.add((r["resourceType"], r["id"]))
        entries.append(
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "include"},
            }
        )
    if outcome is not None:
        entries.append({"resource": outcome, "search": {"mode": "outcome"}})
    result: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": _bundle_id(),
        "meta": {"lastUpdated": instant(timezone.now())},
        "type": "searchset",
        "total": total,
        "link": links,
    }
    if entries:
        result["entry"] = entries
    return result


def page_parameters(params: QueryDict, strict: bool = False) -> tuple[int, int]:
    """``_count`` and ``_page`` of a history request (the bounds of a search). Other
    parameters (``_since``, ``_at``) are not supported: 400 under strict handling."""
    query = parse_query("", params, {}, (), strict)
    return query.count, query.page


def history_bundle(
    base: str, resource_type: str, logical_id: str, entries: list[Any], count: int, page: int
) -> dict[str, Any]:
    """A ``history`` Bundle: newest first, each version with its request and response."""
    url = f"{base}/{resource_type}/{logical_id}/_history"
    chosen = entries[(page - 1) * count : page * count]
    links = [{"relation": "self", "url": f"{url}?_count={count}&_page={page}"}]
    if page * count < len(entries):
        links.append({"relation": "next", "url": f"{url}?_count={count}&_page={page + 1}"})
    if page > 1:
        links.append({"relation": "previous", "url": f"{url}?_count={count}&_page={page - 1}"})
    items = []
    for entry in chosen:
        item: dict[str, Any] = {
            "fullUrl": f"{base}/{resource_type}/{logical_id}",
            "request": {
                "method": entry.method,
                "url": resource_type if entry.method == "POST" else f"{resource_type}/{logical_id}",
            },
            "response": {
                "status": {"POST": "201 Created", "PUT": "200 OK", "DELETE": "204 No Content"}[
                    entry.method
                ],
                "etag": f'W/"{entry.version}"',
                **({"lastModified": entry.last_updated} if entry.last_updated else {}),
            },
        }
        if entry.resource is not None:
            item["resource"] = entry.resource
        items.append(item)
    result: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": _bundle_id(),
        "meta": {"lastUpdated": instant(timezone.now())},
        "type": "history",
        "total": len(entries),
        "link": links,
    }
    if items:
        result["entry"] = items
    return result


def _bundle_id() -> str:
    import uuid

    return str(uuid.uuid4())


def instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- dates -------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def date_range(raw: str, name: str) -> tuple[str, dt.datetime, dt.datetime]:
    """``ge2020-01`` → ("ge", start, end): the prefix and the half-open interval the value
    stands for at its precision (times without a zone are read as Europe/Amsterdam)."""
    prefix = raw[:2] if raw[:2] in _PREFIXES else "eq"
    text = raw[2:] if raw[:2] in _PREFIXES else raw
    match = _DATE.match(text)
    if match is None:
        raise _bad(_("%(name)s: %(value)s is not a FHIR date."), name, value=raw[:60])
    g = match.groupdict()
    try:
        tz: dt.tzinfo = timezone.get_current_timezone()
        if g["tz"]:
            tz = (
                dt.UTC
                if g["tz"] == "Z"
                else dt.datetime.strptime(g["tz"].replace(":", ""), "%z").tzinfo or dt.UTC
            )
        year = int(g["y"])
        if g["m"] is None:
            start = dt.datetime(year, 1, 1, tzinfo=tz)
            end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
        elif g["d"] is None:
            month = int(g["m"])
            start = dt.datetime(year, month, 1, tzinfo=tz)
            end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        elif g["H"] is None:
            start = dt.datetime(year, int(g["m"]), int(g["d"]), tzinfo=tz)
            end = start + dt.timedelta(days=1)
        else:
            start = dt.datetime(
                year,
                int(g["m"]),
                int(g["d"]),
                int(g["H"]),
                int(g["M"]),
                int(g["S"] or 0),
                tzinfo=tz,
            )
            end = start + dt.timedelta(seconds=1)
    except (ValueError, OverflowError):
        raise _bad(_("%(name)s: %(value)s is not a FHIR date."), name, value=raw[:60]) from None
    if prefix in ("sa", "eb", "ap"):
        prefix = {"sa": "gt", "eb": "lt", "ap": "eq"}[prefix]
    return prefix, start, end


def date_q(field_name: str, criterion: Criterion) -> Any:
    """A Q object for a date criterion (values ORed)."""
    from django.db.models import Q

    combined = Q(pk__in=[])
    for value in criterion.values:
        prefix, start, end = date_range(value, criterion.name)
        if prefix == "eq":
            q = Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
        elif prefix == "ne":
            q = Q(**{f"{field_name}__lt": start}) | Q(**{f"{field_name}__gte": end})
        elif prefix == "gt":
            q = Q(**{f"{field_name}__gte": end})
        elif prefix == "ge":
            q = Q(**{f"{field_name}__gte": start})
        elif prefix == "lt":
            q = Q(**{f"{field_name}__lt": start})
        else:  # le
            q = Q(**{f"{field_name}__lt": end})
        combined |= q
    return combined


def date_matches(value: dt.datetime | dt.date | None, criterion: Criterion) -> bool:
    """In-memory version of ``date_q`` (for resources built from a care plan)."""
    if value is None:
        return False
    if not isinstance(value, dt.datetime):
        value = dt.datetime(
            value.year, value.month, value.day, tzinfo=timezone.get_current_timezone()
        )
    for raw in criterion.values:
        prefix, start, end = date_range(raw, criterion.name)
        ok = {
            "eq": start <= value < end,
            "ne": not (start <= value < end),
            "gt": value >= end,
            "ge": value >= start,
            "lt": value < start,
            "le": value < end,
        }[prefix]
        if ok:
            return True
    return False
