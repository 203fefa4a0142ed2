""""Equal in meaning": the projection of a resource onto what it says clinically and
administratively, used to check that what a client sends comes back from Palliare.

Two resources are equal in meaning when ``meaning(sent)`` is contained in ``meaning(read)``:
every element of the projection of the sent resource has the same value in the projection of
the resource read back (Palliare may add what it knows, such as the GP practice).

The projection keeps, per resource type, the elements the domain holds (docs/subsystems/
fhir.md lists them) in a normal form:

- identifiers as ``system|value``; codes as ``system|code`` (displays, versions and coding
  order do not count); references as ``Type/id`` (display, type and base URL do not count);
- names as the family name string and the given names (or initials) joined by spaces;
- postcodes without spaces in capitals; dates and booleans as they are; texts stripped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Projection = dict[str, Any]


def ref(value: Any) -> str:
    if not isinstance(value, dict) or not isinstance(value.get("reference"), str):
        return ""
    match = re.search(r"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})(/_history/.*)?$", value["reference"])
    return match.group(1) if match else value["reference"]


def codes(concept: Any) -> frozenset[str]:
    if isinstance(concept, list):
        return frozenset().union(*(codes(c) for c in concept)) if concept else frozenset()
    if not isinstance(concept, dict):
        return frozenset()
    return frozenset(
        f"{c.get('system', '')}|{c.get('code', '')}"
        for c in concept.get("coding", []) or []
        if isinstance(c, dict) and c.get("code")
    )


def identifiers(resource: dict[str, Any]) -> frozenset[str]:
    return frozenset(
        f"{i.get('system', '')}|{i.get('value')}"
        for i in resource.get("identifier", []) or []
        if isinstance(i, dict) and i.get("value")
    )


def _name(names: Any) -> tuple[str, str]:
    if not isinstance(names, list) or not names:
        return "", ""
    official = next((n for n in names if n.get("use") == "official"), names[0])
    given = " ".join(official.get("given", []) or [])
    if not given:
        usual = next((n for n in names if n.get("use") == "usual"), {})
        given = " ".join(usual.get("given", []) or [])
    return (official.get("family") or "").strip(), " ".join(given.split())


def _telecom(points: Any, systems: tuple[str, ...] = ("phone", "email")) -> frozenset[str]:
    """The first contact point of each system (the domain keeps one of each)."""
    found: dict[str, str] = {}
    for p in points or []:
        if isinstance(p, dict) and p.get("system") in systems and p.get("value"):
            found.setdefault(p["system"], f"{p['system']}|{p['value'].strip()}")
    return frozenset(found.values())


def _address(addresses: Any) -> tuple[str, ...] | None:
    from .resources.datatypes import read_address

    items = addresses if isinstance(addresses, list) else [addresses] if addresses else []
    parsed = read_address(items)
    if parsed is None:
        return None
    return (parsed.street, parsed.house_number, parsed.postcode.replace(" ", "").upper(),
            parsed.city)


def _clean(projection: Projection) -> Projection:
    return {k: v for k, v in projection.items() if v not in (None, "", frozenset(), (), [])}


def patient(r: dict[str, Any]) -> Projection:
    family, given = _name(r.get("name"))
    return _clean({
        "identifier": identifiers(r),
        "family": family,
        "given": given,
        "gender": r.get("gender"),
        "birthDate": r.get("birthDate"),
        "address": _address(r.get("address")),
        "telecom": _telecom(r.get("telecom"), ("phone",)),
        "generalPractitioner": frozenset(ref(g) for g in r.get("generalPractitioner") or []),
    })


def organization(r: dict[str, Any]) -> Projection:
    from .resources.directory import CODE_TO_ORG_TYPE

    return _clean({
        "identifier": identifiers(r),
        "name": (r.get("name") or "").strip(),
        "type": frozenset(c for c in codes(r.get("type")) if c.split("|")[1] in CODE_TO_ORG_TYPE),
        "telecom": _telecom(r.get("telecom"), ("phone", "email", "url")),
        "partOf": ref(r.get("partOf")),
    })


def location(r: dict[str, Any]) -> Projection:
    return _clean({
        "identifier": identifiers(r),
        "name": (r.get("name") or "").strip(),
        "address": _address(r.get("address")),
        "telecom": _telecom(r.get("telecom"), ("phone",)),
        "managingOrganization": ref(r.get("managingOrganization")),
    })


def practitioner(r: dict[str, Any]) -> Projection:
    family, given = _name(r.get("name"))
    return _clean({
        "identifier": identifiers(r),
        "family": family,
        "given": given,
        "telecom": _telecom(r.get("telecom")),
    })


def practitioner_role(r: dict[str, Any]) -> Projection:
    return _clean({
        "identifier": identifiers(r),
        "practitioner": ref(r.get("practitioner")),
        "organization": ref(r.get("organization")),
        "telecom": _telecom(r.get("telecom"), ("phone",) if r.get("organization") else
                            ("phone", "email")),
        "period": (r.get("period") or {}).get("end"),
    })


PROJECTIONS: dict[str, Callable[[dict[str, Any]], Projection]] = {
    "Patient": patient,
    "Organization": organization,
    "Location": location,
    "Practitioner": practitioner,
    "PractitionerRole": practitioner_role,
}


def meaning(resource: dict[str, Any]) -> Projection:
    project = PROJECTIONS.get(resource.get("resourceType", ""))
    return project(resource) if project else {}


def differences(sent: dict[str, Any], read: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The projected elements of ``sent`` that ``read`` does not say the same way."""
    a, b = meaning(sent), meaning(read)
    return {k: (v, b.get(k)) for k, v in a.items() if b.get(k) != v}


def equal_in_meaning(sent: dict[str, Any], read: dict[str, Any]) -> bool:
    return not differences(sent, read)
