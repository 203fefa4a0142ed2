"""The conformance resources the rules layer is driven by: StructureDefinitions, ValueSets and
CodeSystems under ``fhir/definitions`` (see PROVENANCE.md there), loaded once per process.

``iknl/`` and ``nictiz/`` are copies of published files (CC0); ``transcribed/`` holds the
rules of the IKNL profiles whose files are not available here, written down as minimal
StructureDefinitions (differential only) from the guide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..constants import ACP_BASES

ROOT = Path(__file__).resolve().parent.parent / "definitions"

#: Codes of SNOMED CT is-a filters, as far as the guide lists them (no terminology server).
IS_A_EXPANSIONS = {
    ("http://snomed.info/sct", "72506001"): "https://api.iknl.nl/docs/pzp/r4/ValueSet/"
    "ACP-MedicalDeviceProductType-ICD-expansion",
}


def _load(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if path.suffix == ".json":
        data: dict[str, Any] = json.loads(raw)
        return data
    from ..formats import parse_xml

    return parse_xml(raw)


@dataclass
class Definitions:
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    value_sets: dict[str, dict[str, Any]] = field(default_factory=dict)
    code_systems: dict[str, dict[str, Any]] = field(default_factory=dict)


@cache
def definitions() -> Definitions:
    found = Definitions()
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".json", ".xml"):
            continue
        data = _load(path)
        kind = data.get("resourceType")
        url = data.get("url", "")
        if kind == "StructureDefinition":
            found.profiles[url] = data
        elif kind == "ValueSet":
            found.value_sets[url] = data
        elif kind == "CodeSystem":
            found.code_systems[url] = data
    return found


def canonical(url: str) -> str:
    """A profile URL with the current IKNL base (pre-rc1 ``fhir.iknl.nl`` URLs are accepted)
    and without a ``|version``."""
    url = url.split("|")[0]
    for base in ACP_BASES[1:]:
        if url.startswith(base):
            return ACP_BASES[0] + url[len(base) :]
    return url


@cache
def expand(url: str) -> frozenset[tuple[str, str]] | None:
    """The (system, code) pairs of a shipped ValueSet, or None if we do not ship it."""
    vs = definitions().value_sets.get(url.split("|")[0])
    if vs is None:
        return None
    codes: set[tuple[str, str]] = set()
    for include in vs.get("compose", {}).get("include", []):
        system = include.get("system", "")
        for ref in include.get("valueSet", []):
            codes |= expand(ref) or set()
        if include.get("concept"):
            codes |= {(system, c["code"]) for c in include["concept"]}
        elif include.get("filter"):
            for flt in include["filter"]:
                if flt.get("op") == "is-a":
                    codes.add((system, flt["value"]))
                    extra = IS_A_EXPANSIONS.get((system, flt["value"]))
                    codes |= (expand(extra) or set()) if extra else set()
        elif system:
            cs = definitions().code_systems.get(system)
            if cs is not None:
                codes |= {(system, c["code"]) for c in cs.get("concept", [])}
    return frozenset(codes)


def chain(url: str) -> list[dict[str, Any]]:
    """The profile and the profiles it derives from (most specific first)."""
    result = []
    seen: set[str] = set()
    current = definitions().profiles.get(canonical(url))
    while current is not None and current["url"] not in seen:
        seen.add(current["url"])
        result.append(current)
        current = definitions().profiles.get(canonical(current.get("baseDefinition", "")))
    return result
