"""The CapabilityStatement states what is implemented and nothing else (issue 20, missing
interactions): every interaction, conditional flag, search parameter, include and revinclude it
publishes is probed over HTTP and answers (not 405, not "unsupported"), and every interaction
it does not publish answers 405. Generic over the registry, so a resource type added later is
probed too. Plus ``If-Match`` on every update of the resources a GP system writes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from .conftest import Api, example, outcome_keys, requires_careplans
from .test_conditions import problem
from .test_keeps_what_it_is_given import CPR, HENDRIK, hendrik  # noqa: F401

pytestmark = [pytest.mark.django_db, requires_careplans]

INSTANCE_INTERACTIONS = ("read", "vread", "update", "delete", "history-instance")
TYPE_INTERACTIONS = ("create", "search-type")
STRICT = {"Prefer": "handling=strict"}
VALUES = {
    "date": "2020-01-01",
    "token": "x",
    "reference": "Patient/x",
    "string": "x",
    "number": "1",
    "uri": "https://example.org/x",
}


def _probe(api: Api, interaction: str, rtype: str) -> Any:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
    body = json.dumps({"resourceType": rtype, "id": "probe-x"})
    if interaction == "read":
        return api.get(f"{rtype}/probe-x")
    if interaction == "vread":
        return api.get(f"{rtype}/probe-x/_history/1")
    if interaction == "history-instance":
        return api.get(f"{rtype}/probe-x/_history")
    if interaction == "update":
        return api.put(f"{rtype}/probe-x", body)
    if interaction == "delete":
        return api.http.delete(f"/fhir/{rtype}/probe-x", **auth)
    if interaction == "create":
        return api.post(rtype, body)
    if interaction == "search-type":
        return api.get(rtype)
    if interaction == "patch":
        return api.http.patch(f"/fhir/{rtype}/probe-x", body, "application/json-patch+json", **auth)
    if interaction == "history-type":
        return api.get(f"{rtype}/_history")
    if interaction == "conditional-create":
        return api.post(rtype, body, **{"If-None-Exist": "_id=probe-x"})
    if interaction == "conditional-update":
        return api.put(f"{rtype}?_id=probe-x", body)
    raise AssertionError(interaction)


def _scoped(entry: dict[str, Any], extra: str) -> str:
    """A search of the type; types with a patient parameter are searched per patient."""
    if any(p["name"] == "patient" for p in entry.get("searchParam", [])):
        return f"{entry['type']}?patient={HENDRIK}&{extra}"
    return f"{entry['type']}?{extra}"


def test_every_published_interaction_answers_and_no_other(hendrik):  # noqa: F811
    statement = json.loads(hendrik.get("metadata").content)
    rest = statement["rest"][0]
    resources = {r["type"]: r for r in rest["resource"]}
    assert resources, statement
    problems = []
    for rtype, entry in resources.items():
        published = {i["code"] for i in entry["interaction"]}
        for interaction in (*INSTANCE_INTERACTIONS, *TYPE_INTERACTIONS, "patch", "history-type"):
            status = _probe(hendrik, interaction, rtype).status_code
            if (interaction in published) == (status == 405):
                problems.append((rtype, interaction, "published" if status == 405 else status))
        for flag, interaction in (
            ("conditionalCreate", "conditional-create"),
            ("conditionalUpdate", "conditional-update"),
        ):
            status = _probe(hendrik, interaction, rtype).status_code
            if bool(entry.get(flag)) == (status == 405):
                problems.append((rtype, flag, status))
        if entry.get("readHistory") != ("vread" in published):
            problems.append((rtype, "readHistory", entry.get("readHistory")))
        for param in entry.get("searchParam", []):
            value = VALUES.get(param["type"], "x")
            if param["name"] == "_sort":
                value = param["documentation"].split(": ")[1].split(", ")[0]
            response = hendrik.get(_scoped(entry, f"{param['name']}={value}"), **STRICT)
            if response.status_code == 400 and "bad-parameter" in outcome_keys(response):
                problems.append((rtype, param["name"], "refused"))
        for kind in ("searchInclude", "searchRevInclude"):
            name = "_include" if kind == "searchInclude" else "_revinclude"
            for value in entry.get(kind, []):
                response = hendrik.get(_scoped(entry, f"{name}={value}"), **STRICT)
                if response.status_code == 400 and "bad-parameter" in outcome_keys(response):
                    problems.append((rtype, name, value))
            response = hendrik.get(_scoped(entry, f"{name}={rtype}:nonsense"), **STRICT)
            assert response.status_code == 400, (rtype, name)
        response = hendrik.get(_scoped(entry, "zz-unknown=1"), **STRICT)
        assert response.status_code == 400 and outcome_keys(response) == ["bad-parameter"]
    assert problems == [], problems
    assert {i["code"] for i in rest["interaction"]} == {"transaction", "batch"}
    assert hendrik.get("_history").status_code == 405


def test_if_match_is_honoured_on_every_update(hendrik):  # noqa: F811
    """A stale version is 412 and changes nothing, for each kind of resource written."""
    assert hendrik.put("Condition/repro-problem-hf", problem()).status_code == 201
    role = {
        "resourceType": "PractitionerRole",
        "id": "repro-role-spec",
        "specialty": [
            {"coding": [{"system": "urn:oid:2.16.840.1.113883.2.4.6.7", "code": "0320"}]}
        ],
    }
    assert hendrik.put("PractitionerRole/repro-role-spec", role).status_code == 201
    resources = [
        example("Patient-F1-ACP-Patient-HendrikHartman.json"),
        example("PractitionerRole-F1-ACP-HealthProfessional-PractitionerRole-DrVanHuissen.json"),
        example("RelatedPerson-F1-ACP-ContactPerson-MichielHartman.json"),
        example("Procedure-F1-ACP-Procedure-01-10-2020.json"),
        example(f"Consent-{CPR}.json"),
        problem(),
        role,
    ]
    for resource in resources:
        url = f"{resource['resourceType']}/{resource['id']}"
        before = json.loads(hendrik.get(url).content)
        changed = copy.deepcopy(resource)
        response = hendrik.put(url, changed, **{"If-Match": 'W/"98765"'})
        assert response.status_code == 412, (url, response.content)
        assert outcome_keys(response) == ["version-conflict"]
        after = json.loads(hendrik.get(url).content)
        assert after["meta"].get("versionId") == before["meta"].get("versionId"), url
        current = before["meta"].get("versionId")
        if current:
            response = hendrik.put(url, changed, **{"If-Match": f'W/"{current}"'})
            assert response.status_code == 200, (url, response.content)
