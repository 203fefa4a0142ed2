"""Dutch (nl-core) data types both ways: names with own-name/prefix extensions and assembly
order, addresses with street name and house number, telecom, identifiers, codings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..constants import (
    EXT_ASSEMBLY_ORDER,
    EXT_EN_QUALIFIER,
    EXT_HOUSE_NUMBER,
    EXT_OWN_NAME,
    EXT_OWN_PREFIX,
    EXT_STREET,
)


def ext_value(element: dict[str, Any] | None, url: str) -> Any:
    for ext in (element or {}).get("extension", []) or []:
        if isinstance(ext, dict) and ext.get("url") == url:
            for key, value in ext.items():
                if key.startswith("value"):
                    return value
    return None


def codings(concept: Any) -> list[tuple[str, str]]:
    """(system, code) of every coding of a CodeableConcept."""
    if not isinstance(concept, dict):
        return []
    return [
        (c.get("system") or "", c.get("code") or "")
        for c in concept.get("coding", []) or []
        if isinstance(c, dict)
    ]


def first_code(concept: Any, system: str | None = None) -> str:
    for sys, code in codings(concept):
        if system is None or sys == system:
            return code
    return ""


def concept(system: str, code: str, display: str = "", text: str = "") -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    result: dict[str, Any] = {"coding": [coding]}
    if text:
        result["text"] = text
    return result


# --- names ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    given: str  # given names (or initials) separated by spaces
    initials: str
    prefix: str
    family: str


def official_name(names: Any) -> dict[str, Any] | None:
    if not isinstance(names, list) or not names:
        return None
    for name in names:
        if isinstance(name, dict) and name.get("use") == "official":
            return name
    first = names[0]
    return first if isinstance(first, dict) else None


def read_name(names: Any) -> Name:
    """The official name in the register's terms (given, initials, prefix, family)."""
    name = official_name(names)
    if name is None:
        return Name("", "", "", "")
    given_values = [g for g in name.get("given", []) or [] if isinstance(g, str)]
    given_meta = name.get("_given") or []
    full, initials = [], []
    for i, value in enumerate(given_values):
        meta = given_meta[i] if i < len(given_meta) and isinstance(given_meta[i], dict) else {}
        if ext_value(meta, EXT_EN_QUALIFIER) == "IN":
            initials.append(value)
        else:
            full.append(value)
    if not full:
        for other in names:
            if isinstance(other, dict) and other.get("use") == "usual":
                full = [g for g in other.get("given", []) or [] if isinstance(g, str)]
                break
    family = name.get("family") if isinstance(name.get("family"), str) else ""
    family = family or ""
    meta = name.get("_family") if isinstance(name.get("_family"), dict) else None
    prefix = ext_value(meta, EXT_OWN_PREFIX) or ""
    if not isinstance(prefix, str):
        prefix = ""
    if prefix and family.startswith(prefix + " "):
        family = family[len(prefix) + 1 :]
    elif prefix and not family:
        own = ext_value(meta, EXT_OWN_NAME)
        family = own if isinstance(own, str) else ""
    elif prefix:
        prefix = ""
    return Name(" ".join(full).strip(), "".join(initials).strip(), prefix.strip(), family.strip())


def write_name(given: str, initials: str, prefix: str, family: str) -> list[dict[str, Any]]:
    """An nl-core official name (assembly order NL1: own name only)."""
    name: dict[str, Any] = {
        "extension": [{"url": EXT_ASSEMBLY_ORDER, "valueCode": "NL1"}],
        "use": "official",
    }
    full_family = " ".join(p for p in (prefix, family) if p)
    if full_family:
        name["family"] = full_family
        family_ext = [{"url": EXT_OWN_NAME, "valueString": family}] if family else []
        if prefix:
            family_ext.append({"url": EXT_OWN_PREFIX, "valueString": prefix})
        if family_ext:
            name["_family"] = {"extension": family_ext}
    parts: list[tuple[str, str]] = []
    if given:
        parts += [(g, "BR") for g in given.split()]
    elif initials:
        parts += [(i if i.endswith(".") else i + ".", "IN") for i in split_initials(initials)]
    if parts:
        name["given"] = [p for p, _q in parts]
        name["_given"] = [
            {"extension": [{"url": EXT_EN_QUALIFIER, "valueCode": q}]} for _p, q in parts
        ]
    text = " ".join(p for p in (given or initials, prefix, family) if p)
    if text:
        name["text"] = text
    return [name]


def split_initials(initials: str) -> list[str]:
    return [p + "." for p in initials.replace(" ", "").split(".") if p]


# --- addresses -------------------------------------------------------------------------------

_LINE = re.compile(r"^(?P<street>.*?)\s+(?P<number>\d+\s*[A-Za-z0-9\- ]{0,10})$")


@dataclass(frozen=True)
class Address:
    street: str
    house_number: str
    postcode: str
    city: str


def read_address(addresses: Any) -> Address | None:
    if not isinstance(addresses, list) or not addresses:
        return None
    chosen = next(
        (a for a in addresses if isinstance(a, dict) and a.get("use") in ("home", "work")),
        addresses[0],
    )
    if not isinstance(chosen, dict):
        return None
    lines = [x for x in chosen.get("line", []) or [] if isinstance(x, str)]
    meta = (chosen.get("_line") or [None])[0]
    street = ext_value(meta, EXT_STREET) if isinstance(meta, dict) else None
    number = ext_value(meta, EXT_HOUSE_NUMBER) if isinstance(meta, dict) else None
    if not street and lines:
        match = _LINE.match(lines[0].strip())
        street, number = (match.group("street"), match.group("number")) if match else (lines[0], "")
    return Address(
        str(street or "").strip(),
        str(number or "").strip(),
        str(chosen.get("postalCode") or "").strip(),
        str(chosen.get("city") or "").strip(),
    )


def write_address(
    street: str, house_number: str, postcode: str, city: str, use: str = "home"
) -> list[dict[str, Any]]:
    if not any((street, house_number, postcode, city)):
        return []
    address: dict[str, Any] = {"use": use}
    line = " ".join(p for p in (street, house_number) if p)
    if line:
        address["line"] = [line]
        ext = []
        if street:
            ext.append({"url": EXT_STREET, "valueString": street})
        if house_number:
            ext.append({"url": EXT_HOUSE_NUMBER, "valueString": house_number})
        address["_line"] = [{"extension": ext}]
    if city:
        address["city"] = city
    if postcode:
        address["postalCode"] = postcode
    address["country"] = "NL"
    return [address]


# --- telecom -------------------------------------------------------------------------------


def read_telecom(points: Any, system: str) -> str:
    for point in points or []:
        if isinstance(point, dict) and point.get("system") == system:
            value = point.get("value")
            if isinstance(value, str):
                return value.strip()
    return ""


def write_telecom(phone: str = "", email: str = "", url: str = "") -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    if phone:
        points.append({"system": "phone", "value": phone})
    if email:
        points.append({"system": "email", "value": email})
    if url:
        points.append({"system": "url", "value": url})
    return points


def identifiers_with(identifiers: Any, system: str) -> list[str]:
    return [
        i["value"]
        for i in identifiers or []
        if isinstance(i, dict) and i.get("system") == system and isinstance(i.get("value"), str)
    ]
