"""FHIR that keeps what it is given (issue 20, decision 0040).

Every accepted create or update is stored as received (:class:`~palliare.fhir.models.
ReceivedResource`), beside the domain's rendering right after the write (``mapped``). A read
starts from the domain's current rendering (``current``) — the clinical truth — and merges the
newest received version into it, element by element, with three values at hand:

``current``  what the domain says now;
``mapped``   what the domain said right after the client's write;
``received`` what the client sent.

The rule (:func:`merge`):

1. Where the client sent nothing, the domain's value stands (the server adds what it knows).
2. Where the domain has nothing and never had (an element it does not model: an extension,
   ``Observation.encounter``, ``timing[x]``, a telecom's comment), the client's value stands.
3. Where the domain had a value at receipt and has none now, the element was removed since
   (in the web UI): it stays removed, whatever was sent.
4. Where both have a value: if the domain's value is the one it made of the write
   (``current == mapped``), the client's value stands (its wording, codings with their
   displays, person details); if the domain changed since, the domain's value stands and the
   received sub-element is dropped — never a stale clinical value beside a newer one. Objects
   are merged key by key with this rule; lists are taken whole, except ``extension`` (merged
   per ``url``) and ``item`` (per ``linkId``).

A primitive's ``_element`` (its extensions) follows the element; of a choice element
(``effective[x]``) one variant is kept, the client's unless the domain changed its own.
``meta.versionId`` and ``meta.lastUpdated`` are the server's. Some elements the mappings render
from plan-level data as a fallback for resources that were never received (the plan's
agreement date as a directive's ``dateTime``): :data:`FALLBACKS` lists them; what was sent
for them stands.

A received code is never rewritten: codings come back as sent, or (rule 4) as the domain now
holds them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from .context import FhirContext
from .resources.base import HistoryEntry

MISSING: Any = object()

#: Elements (choice bases without their type suffix) the mapping renders from plan-level data
#: when the resource itself says nothing (the plan's agreement date): the domain holds no value
#: of its own for them, so what a client sent is returned even after the plan date moved.
FALLBACKS: dict[str, frozenset[str]] = {
    "Consent": frozenset({"dateTime"}),
    "Observation": frozenset({"effective"}),
    "Goal": frozenset({"statusDate", "start"}),
    "CommunicationRequest": frozenset({"authoredOn"}),
    "Communication": frozenset({"sent"}),
    "QuestionnaireResponse": frozenset({"authored"}),
    "Procedure": frozenset({"performed"}),
    "Encounter": frozenset({"period"}),
}

#: Elements the mappings derive from other facts when a client does not send them (the
#: parties of a treatment directive: the patient and the latest conversation's professional):
#: for a received resource without them they are not returned — no party is invented.
UNSENT_NOT_RETURNED: dict[str, tuple[tuple[str, ...], ...]] = {
    "Consent": (("provision", "actor"),),
}


def _drop_unsent(merged: dict[str, Any], received: dict[str, Any], path: tuple[str, ...]) -> None:
    *parents, last = path
    node: Any = merged
    sent: Any = received
    for key in parents:
        node, sent = (
            node.get(key) if isinstance(node, dict) else None,
            (sent.get(key) if isinstance(sent, dict) else None),
        )
    if isinstance(node, dict) and isinstance(sent, dict) and last not in sent:
        node.pop(last, None)


#: Lists merged per item key instead of whole.
KEYED_LISTS = {"extension": "url", "modifierExtension": "url", "item": "linkId"}

#: Choice elements ([x]) of the resources served here, by base name.
CHOICE_BASES = frozenset(
    {
        "value",
        "effective",
        "deceased",
        "multipleBirth",
        "source",
        "performed",
        "timing",
        "start",
        "due",
        "detail",
        "occurrence",
        "content",
        "onset",
        "abatement",
        "born",
        "age",
        "serviced",
        "answer",
    }
)
TYPE_SUFFIXES = frozenset(
    {
        "Boolean",
        "Integer",
        "Decimal",
        "String",
        "Uri",
        "Url",
        "Canonical",
        "Code",
        "Date",
        "DateTime",
        "Time",
        "Instant",
        "Id",
        "Markdown",
        "PositiveInt",
        "UnsignedInt",
        "Attachment",
        "Coding",
        "CodeableConcept",
        "Quantity",
        "Age",
        "Duration",
        "Range",
        "Period",
        "Ratio",
        "Reference",
        "Identifier",
        "Timing",
        "Annotation",
        "HumanName",
        "Address",
        "ContactPoint",
    }
)


def choice_base(key: str) -> str | None:
    """``effective`` for ``effectiveDateTime``; None for an element that is not a choice."""
    for base in CHOICE_BASES:
        if key.startswith(base) and key[len(base) :] in TYPE_SUFFIXES:
            return base
    return None


def _base(key: str) -> str:
    return choice_base(key) or key


def merge(
    current: dict[str, Any], mapped: dict[str, Any], received: dict[str, Any]
) -> dict[str, Any]:
    """The resource a client reads: the domain's ``current`` rendering with what the client
    sent (``received``) where the domain has not changed since (``mapped``); see the module
    documentation for the rule."""
    if current.get("resourceType") != received.get("resourceType"):
        return current
    mapped = dict(mapped)
    fallbacks = FALLBACKS.get(str(current["resourceType"]), frozenset())
    sent_bases = {_base(k) for k in received}
    for key in current:
        if _base(key) in fallbacks and _base(key) in sent_bases:
            mapped[key] = current[key]  # the domain's value is a fallback, not its own
    merged = _merge_dict(current, mapped, received)
    for path in UNSENT_NOT_RETURNED.get(str(current["resourceType"]), ()):
        _drop_unsent(merged, received, path)
    merged["resourceType"], merged["id"] = current["resourceType"], current["id"]
    meta = dict(merged.get("meta") or {})
    # The profiles the server declares, then those the client declared besides.
    profiles = list((current.get("meta") or {}).get("profile") or [])
    profiles += [p for p in (received.get("meta") or {}).get("profile") or [] if p not in profiles]
    if profiles:
        meta["profile"] = profiles
    for key in ("versionId", "lastUpdated"):
        if key in (current.get("meta") or {}):
            meta[key] = current["meta"][key]
        else:
            meta.pop(key, None)
    if meta:
        merged["meta"] = meta
    else:
        merged.pop("meta", None)
    # The resource's order: resourceType and id first, as the domain renders them.
    ordered = {k: merged[k] for k in current if k in merged}
    ordered.update({k: v for k, v in merged.items() if k not in ordered})
    return ordered


def _same_target(d: dict[str, Any], r: dict[str, Any]) -> bool:
    """A Reference to the same resource, or a Coding of the same code: its display (and the
    rest of the client's wording) is no clinical value of its own."""
    if isinstance(d.get("reference"), str):
        return bool(d["reference"] == r.get("reference"))
    if isinstance(d.get("code"), str) and "system" in d:
        return (d.get("system"), d["code"]) == (r.get("system"), r.get("code"))
    return False


def _merge(d: Any, d0: Any, r: Any, field: str = "") -> Any:
    if r is MISSING:
        return d
    if d is MISSING:
        return r if d0 is MISSING else MISSING
    if isinstance(d, dict) and isinstance(r, dict):
        if _same_target(d, r):
            d0 = d
        return _merge_dict(d, d0 if isinstance(d0, dict) else {}, r)
    if d == d0:
        return r
    if isinstance(d, list) and isinstance(r, list):
        old = d0 if isinstance(d0, list) else []
        if field in KEYED_LISTS:
            return _merge_keyed(d, old, r, KEYED_LISTS[field])
        if all(isinstance(x, dict) for x in [*d, *old, *r]):
            return _merge_items(d, old, r)
    return d


def _leaves(value: Any, path: str = "") -> set[tuple[str, str]]:
    if isinstance(value, dict):
        return set().union(*(_leaves(v, f"{path}.{k}") for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(_leaves(v, path) for v in value)) if value else set()
    return {(path, repr(value))}


def _pairs(left: list[Any], right: list[Any]) -> dict[int, int]:
    """Items of ``right`` that stand for items of ``left`` (index → index): equal ones first,
    then the most alike (at least half of their values shared), each used once."""
    found: dict[int, int] = {}
    used: set[int] = set()
    for i, item in enumerate(left):
        for j, other in enumerate(right):
            if j not in used and item == other:
                found[i] = j
                used.add(j)
                break
    scores = []
    for i, item in enumerate(left):
        if i in found:
            continue
        a = _leaves(item)
        for j, other in enumerate(right):
            if j in used:
                continue
            b = _leaves(other)
            score = len(a & b) / max(len(a), len(b), 1)
            if score >= 0.5:
                scores.append((score, -i, -j))
    for _score, i, j in sorted(scores, reverse=True):
        if -i not in found and -j not in used:
            found[-i] = -j
            used.add(-j)
    return found


def _merge_items(d: list[Any], d0: list[Any], r: list[Any]) -> list[Any]:
    """A list of objects the domain changed since receipt: each current item merged with what
    was sent for it (the item it was rendered from at receipt), new items as the domain has
    them, items the domain removed since left out, sent items it never rendered kept."""
    # Of equally long lists the mapping kept each sent item in order; else the most alike.
    sent_for = dict(enumerate(range(len(r)))) if len(d0) == len(r) else _pairs(d0, r)
    current_for = _pairs(d, d0)
    out = []
    for i, item in enumerate(d):
        j = current_for.get(i)
        if j is None:
            out.append(item)  # new in the domain since receipt
            continue
        k = sent_for.get(j)
        if k is not None:
            out.append(_merge(item, d0[j], r[k]))
        # else: an item the mapping added at receipt to the list the client sent (a party
        # never sent): not returned
    rendered = set(sent_for.values())
    return out + [item for k, item in enumerate(r) if k not in rendered]


def _merge_keyed(d: list[Any], d0: list[Any], r: list[Any], key: str) -> list[Any]:
    def group(items: list[Any], value: Any) -> list[Any]:
        return [x for x in items if (x.get(key) if isinstance(x, dict) else None) == value]

    order: list[Any] = []
    for item in [*r, *d]:
        value = item.get(key) if isinstance(item, dict) else None
        if value not in order:
            order.append(value)
    out: list[Any] = []
    for value in order:
        dg, d0g, rg = group(d, value), group(d0, value), group(r, value)
        if not rg or dg != d0g:
            out += dg  # nothing sent, or the domain changed (or removed) this part since
        else:
            out += rg
    return out


def _merge_dict(d: dict[str, Any], d0: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in [*d, *(k for k in r if k not in d)]:
        value = _merge(d.get(key, MISSING), d0.get(key, MISSING), r.get(key, MISSING), key)
        if value is not MISSING:
            out[key] = value
    changed = {k for k in r if not k.startswith("_") and k in d0 and d.get(k, MISSING) != d0[k]}
    # A primitive's extensions follow the primitive: the domain's, where it changed it.
    for key in [k for k in r if k.startswith("_") and k[1:] in changed]:
        if key in d:
            out[key] = d[key]
        else:
            out.pop(key, None)
    # One variant of a choice element: the client's, unless the domain changed its own.
    variants: dict[str, list[str]] = {}
    for key in out:
        base = choice_base(key)
        if base:
            variants.setdefault(base, []).append(key)
    for keys in variants.values():
        if len(keys) < 2:
            continue
        domain_keys = [k for k in keys if k in d and k not in r]
        domain_changed = any(d0.get(k, MISSING) != d[k] for k in domain_keys)
        for key in keys:
            if (key in domain_keys) != domain_changed:
                out.pop(key, None)
                out.pop("_" + key, None)
    return out


# --- storing and reading ------------------------------------------------------------------


def _patient_id(resource_type: str, logical_id: str, resource: dict[str, Any]) -> int | None:
    """The register's key of the patient the resource is about, where the resource says."""
    from .resources.patient import patient_pk

    if resource_type == "Patient":
        return patient_pk(logical_id)
    for key in ("patient", "subject"):
        ref = resource.get(key)
        if isinstance(ref, dict) and str(ref.get("reference", "")).startswith("Patient/"):
            return patient_pk(str(ref["reference"]).removeprefix("Patient/"))
    return None


def received(ctx: FhirContext, data: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    """Keep what a client sent (``data``, validated and written as ``resource``) and answer
    the resource as a read will: the domain's rendering merged with what was sent."""
    from .models import ReceivedResource

    if ctx.extra.pop("not_applied", False):
        return resource  # the handler left the domain as it was (a linked network entry)
    rtype, rid = resource.get("resourceType"), resource.get("id")
    if not isinstance(rtype, str) or not isinstance(rid, str) or len(resource) <= 2:
        return resource  # nothing the domain keeps (e.g. a statement of "no ICD")
    sent = {k: copy.deepcopy(v) for k, v in data.items() if k != "id"} | {"id": rid}
    ReceivedResource.objects.create(
        resource_type=rtype,
        logical_id=rid,
        version_id=str((resource.get("meta") or {}).get("versionId", ""))[:20],
        received=sent,
        mapped=resource,
        patient_id=_patient_id(rtype, rid, resource),
        client=ctx.client,
        organization_id=ctx.actor.organization_id,
    )
    return merge(resource, resource, sent)


def references(resources: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(type, id) of every relative reference (``Type/id``) inside ``resources``."""
    found: set[tuple[str, str]] = set()
    stack: list[Any] = list(resources)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("reference")
            if isinstance(ref, str):
                rtype, _slash, rid = ref.partition("/")
                if rid and "/" not in rid and rtype[:1].isupper():
                    found.add((rtype, rid))
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return found


def merged(
    resources: list[dict[str, Any]],
    cache: dict[tuple[str, str], Any] | None = None,
    also: Iterable[tuple[str, str]] = (),
) -> list[dict[str, Any]]:
    """``resources`` as a client reads them (one query for all). With ``cache`` (of one
    request), the received rows fetched are kept there — with those of ``also``, resources
    a later call will probably merge — and a later call fetches only what is not in it."""
    from .access import received_for

    keys = {
        (r["resourceType"], r["id"])
        for r in resources
        if isinstance(r.get("resourceType"), str) and isinstance(r.get("id"), str)
    }
    if cache is None:
        rows = received_for(keys)
    else:
        wanted = {k for k in keys | set(also) if k not in cache}
        if wanted:
            fetched = received_for(wanted)
            cache.update({k: fetched.get(k) for k in wanted})
        rows = cache
    out = []
    for resource in resources:
        row = rows.get((str(resource.get("resourceType")), str(resource.get("id"))))
        out.append(resource if row is None else merge(resource, row.mapped, row.received))
    return out


def _at_or_before(row: Any, version: str) -> bool:
    if row.version_id == version:
        return True
    return row.version_id.isdigit() and version.isdigit() and int(row.version_id) <= int(version)


def _merged_with(resource: dict[str, Any], version: str, rows: list[Any]) -> dict[str, Any]:
    """``resource`` (version ``version``) merged with the newest of ``rows`` (newest first)
    received at or before that version."""
    for row in rows:
        if _at_or_before(row, version):
            return merge(resource, row.mapped, row.received)
    return resource


def merged_version(resource: dict[str, Any], version: str) -> dict[str, Any]:
    """A past version as a client reads it: merged with what was received up to it."""
    from .access import received_versions

    return _merged_with(
        resource, version, received_versions(resource["resourceType"], resource["id"])
    )


def merged_history(
    resource_type: str, logical_id: str, entries: list[HistoryEntry]
) -> list[HistoryEntry]:
    """A history Bundle's versions as a client reads each of them with vread: merged with what
    was received up to that version (one query for all of them)."""
    from .access import received_versions

    rows = received_versions(resource_type, logical_id)
    if not rows:
        return entries
    return [
        replace(entry, resource=_merged_with(entry.resource, entry.version, rows))
        if entry.resource is not None
        else entry
        for entry in entries
    ]
