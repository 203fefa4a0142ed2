"""Must show (issue 20): every public example, JSON and XML, is sent as the GP-practice client
onto a fresh database; what GET (JSON and XML) and search return is compared value by value
with what was sent. At least 98 % of the values and every coding come back, and every value
that does not is in :data:`PERMITTED_LOSSES` with its reason.

A *value* is a leaf of the resource as a (path, value) pair, the path without list positions
(``name.given``, ``_family.extension.valueString``); values are compared as multisets, so a
reordered list still counts. A *coding* is a (system, code, display) triple anywhere in the
resource. Run with ``-s`` to see the figures per file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from palliare.fhir.formats import parse_xml

from .conftest import requires_careplans
from .test_examples import load_all

pytestmark = [pytest.mark.django_db, requires_careplans]

#: Values that may be sent and not returned, as (resource type or "*", path prefix, reason).
#: A lost value must match one of these; each is a deliberate server behaviour.
PERMITTED_LOSSES: list[tuple[str, str, str]] = [
    # The server keeps the resource's version and time of change itself (FHIR R4 3.1.0.7.2:
    # meta.versionId and meta.lastUpdated are set by the server on every write).
    ("*", "meta.versionId", "the server assigns the version"),
    ("*", "meta.lastUpdated", "the server stamps the time of the change"),
]

Pair = tuple[str, str]
Coding = tuple[str, str, str]


def flatten(value: Any, path: str = "") -> Iterator[Pair]:
    """Every leaf of a resource as (path without list positions, JSON of the value)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not path and key in ("resourceType", "id"):
                continue
            yield from flatten(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from flatten(item, path)
    else:
        yield path, json.dumps(value, ensure_ascii=False)


def codings(value: Any) -> Iterator[Coding]:
    if isinstance(value, dict):
        if "code" in value and ("system" in value or "display" in value):
            yield (str(value.get("system", "")), str(value["code"]), str(value.get("display", "")))
        for item in value.values():
            yield from codings(item)
    elif isinstance(value, list):
        for item in value:
            yield from codings(item)


def lost(sent: Counter[Any], returned: Counter[Any]) -> list[Any]:
    return sorted((sent - returned).elements())


def permitted(resource_type: str, path: str) -> str | None:
    for rtype, prefix, reason in PERMITTED_LOSSES:
        if rtype in ("*", resource_type) and (path == prefix or path.startswith(prefix + ".")):
            return reason
    return None


#: Resources a search by ``_id`` does not list although GET reads them (known gaps of the
#: directory and device searches, outside issue 20 items 6-8): their search is not compared.
SEARCH_GAPS: dict[str, str] = {
    "Device-P2-ACP-MedicalDevice.Product-ICD.json": "a device without a patient is not searchable",
    "PractitionerRole-F1-ACP-HealthProfessional-PractitionerRole-DrVanHuissen.json": (
        "the directory search lists memberships, not roles kept beside them"
    ),
    "PractitionerRole-P2-ACP-HealthProfessional-PractitionerRole-DesireeWolters.json": (
        "the directory search lists memberships, not roles kept beside them"
    ),
    "nl-core-Encounter-01-Location-01.xml": "a location without a facility is not searchable",
    "nl-core-Encounter-01-PractitionerRole-01.xml": "a role without practitioner (OpenRole)",
    "nl-core-HealthProfessional-PractitionerRole-01.xml": "a role without practitioner (OpenRole)",
    "nl-core-TreatmentDirective2-01-PractitionerRole-01.xml": "a role without practitioner",
    "nl-core-Encounter-01.xml": "a hospital stay without a patient is not searchable",
}

_INSTANT = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _xml_normal(value: Any) -> Any:
    """What the XML library (fhir.resources) writes differently without changing the value:
    a dateTime's fractional seconds in six digits (``.150000``; ``.000`` left out), and the
    narrative without the whitespace after its last element. Values are compared as such."""
    if isinstance(value, dict):
        return {k: _xml_normal(v) for k, v in value.items() if k != "lastUpdated"}
    if isinstance(value, list):
        return [_xml_normal(v) for v in value]
    if isinstance(value, str):
        match = _INSTANT.match(value)
        if match:
            fraction = (match.group(2) or ".").ljust(7, "0").rstrip("0").rstrip(".")
            return match.group(1) + fraction + match.group(3)
        if value.startswith("<div"):
            return value.rstrip()
    return value


def _search(api: Any, sent: dict[str, Any]) -> dict[str, Any] | None:
    """The resource as a search by ``_id`` returns it (with its patient where the type needs
    one)."""
    rtype, rid = sent["resourceType"], sent["id"]
    response = api.get(f"{rtype}?_id={quote(rid)}")
    if response.status_code == 400:
        patient = next(
            (sent[k]["reference"] for k in ("patient", "subject") if isinstance(sent.get(k), dict)),
            "",
        )
        response = api.get(f"{rtype}?_id={quote(rid)}&patient={quote(patient)}")
    assert response.status_code == 200, (rtype, rid, response.content)
    for entry in json.loads(response.content).get("entry", []):
        if entry["resource"]["id"] == rid and entry["search"]["mode"] == "match":
            resource: dict[str, Any] = entry["resource"]
            return resource
    return None


def test_every_example_round_trips(api, capsys):
    loaded = load_all(api)
    totals = Counter[str]()
    unexplained: dict[str, list[Any]] = {}
    rows = []
    for name, (sent, response) in sorted(loaded.items()):
        assert response.status_code in (200, 201), (name, response.content)
        url = f"{sent['resourceType']}/{quote(sent['id'])}"
        read = json.loads(api.get(url).content)
        xml = parse_xml(api.get(url, Accept="application/fhir+xml").content)
        if name not in SEARCH_GAPS and _search(api, sent) != read:
            unexplained.setdefault(name, []).append("search returns another representation")
        if _xml_normal(xml) != _xml_normal(read):
            unexplained.setdefault(name, []).append("XML says something else than JSON")
        sent_values, sent_codings = Counter(flatten(sent)), Counter(codings(sent))
        read_values, read_codings = Counter(flatten(read)), Counter(codings(read))
        values_lost = lost(sent_values, read_values)
        codings_lost = lost(sent_codings, read_codings)
        totals["values"] += sum(sent_values.values())
        totals["values lost"] += len(values_lost)
        totals["codings"] += sum(sent_codings.values())
        totals["codings lost"] += len(codings_lost)
        n_values, n_codings = sum(sent_values.values()), sum(sent_codings.values())
        rows.append(
            f"{name:<78} values {n_values - len(values_lost):>4}/{n_values:<4} "
            f"codings {n_codings - len(codings_lost):>3}/{n_codings:<3}"
        )
        for path, value in values_lost:
            reason = permitted(sent["resourceType"], path)
            rows.append(f"    lost {path} = {value[:60]}" + (f"  ({reason})" if reason else ""))
            if reason is None:
                unexplained.setdefault(name, []).append((path, value))
        for coding in codings_lost:
            rows.append(f"    lost coding {coding}")
            unexplained.setdefault(name, []).append(coding)
    values = 100 * (totals["values"] - totals["values lost"]) / totals["values"]
    coded = 100 * (totals["codings"] - totals["codings lost"]) / totals["codings"]
    with capsys.disabled():
        print("\n" + "\n".join(rows))
        print(
            f"\nround trip over {len(loaded)} examples: values "
            f"{totals['values'] - totals['values lost']}/{totals['values']} ({values:.2f} %), "
            f"codings {totals['codings'] - totals['codings lost']}/{totals['codings']} "
            f"({coded:.2f} %)"
        )
    assert values >= 98.0
    assert totals["codings lost"] == 0
    assert unexplained == {}
