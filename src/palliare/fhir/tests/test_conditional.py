"""Issue 20, missing interactions: conditional create (``If-None-Exist``: no match creates, one
match answers that resource unchanged, several are 412) and conditional update (``PUT
[type]?criteria``: no match creates, one updates, several are 412), also as Bundle entries.
Criteria are parsed strictly (an unsupported parameter would widen the match)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from palliare.patients.models import Patient, ProblemVersion

from .conftest import example, outcome_keys, requires_careplans
from .test_conditions import problem
from .test_keeps_what_it_is_given import HENDRIK, hendrik  # noqa: F401

pytestmark = [pytest.mark.django_db, requires_careplans]

BSN = "http://fhir.nl/fhir/NamingSystem/bsn|999911120"
P77 = "urn:oid:2.16.840.1.113883.2.4.3.11.999.1|P-77"


def _body(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.content)
    return data


def test_if_none_exist_creates_once(api):
    patient = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    patient.pop("id")
    response = api.post("Patient", patient, **{"If-None-Exist": f"identifier={BSN}"})
    assert response.status_code == 201, response.content
    first = _body(response)["id"]
    response = api.post("Patient", patient, **{"If-None-Exist": f"identifier={BSN}"})
    assert response.status_code == 200, response.content
    assert _body(response)["id"] == first
    assert Patient.objects.count() == 1


def test_conditional_update_creates_updates_and_refuses_ambiguity(hendrik):  # noqa: F811
    criteria = f"patient={HENDRIK}&identifier={P77}"
    sent = problem()
    sent.pop("id")
    response = hendrik.put(f"Condition?{criteria}", sent)
    assert response.status_code == 201, response.content
    created = _body(response)["id"]
    sent["note"] = [{"text": "Nu in hospice bekend."}]
    response = hendrik.put(f"Condition?{criteria}", sent)
    assert response.status_code == 200, response.content
    assert _body(response)["id"] == created
    assert _body(response)["meta"]["versionId"] == "2"
    assert ProblemVersion.objects.count() == 2
    # A second problem with the same identifier makes the criteria ambiguous: 412.
    assert (
        hendrik.put("Condition/repro-problem-two", problem("repro-problem-two")).status_code == 201
    )
    response = hendrik.put(f"Condition?{criteria}", sent)
    assert response.status_code == 412
    assert outcome_keys(response) == ["multiple-matches"]
    response = hendrik.post("Condition", sent, **{"If-None-Exist": criteria})
    assert response.status_code == 412
    # One match: If-None-Exist answers it, unchanged.
    response = hendrik.post(
        "Condition", sent, **{"If-None-Exist": f"patient={HENDRIK}&_id=repro-problem-two"}
    )
    assert response.status_code == 200
    assert _body(response)["id"] == "repro-problem-two"


def test_conditional_criteria_are_strict(hendrik):  # noqa: F811
    sent = problem()
    for url, key in (
        ("Condition?patient=" + HENDRIK + "&foo=bar", "bad-parameter"),
        ("Condition", "conditional-criteria-required"),
        ("Condition?_count=1", "conditional-criteria-required"),
        ("Condition?code=http://snomed.info/sct|84114007", "patient-required"),
    ):
        response = hendrik.put(url, sent)
        assert response.status_code == 400, (url, response.content)
        assert outcome_keys(response) == [key]
    # The body's id names another resource than the criteria select.
    assert hendrik.put("Condition/repro-problem-hf", sent).status_code == 201
    other = problem("repro-problem-hf")
    response = hendrik.put(f"Condition?patient={HENDRIK}&identifier=urn:x|none", other)
    assert response.status_code == 409
    assert outcome_keys(response) == ["id-exists-not-matching"]


def test_conditional_entries_in_a_transaction(hendrik):  # noqa: F811
    sent = problem()
    sent.pop("id")
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": sent,
                "request": {
                    "method": "POST",
                    "url": "Condition",
                    "ifNoneExist": f"patient={HENDRIK}&identifier={P77}",
                },
            }
        ],
    }
    for status in ("201 Created", "200 OK"):
        response = hendrik.post("", bundle)
        assert response.status_code == 200, response.content
        assert _body(response)["entry"][0]["response"]["status"] == status
    bundle["entry"][0]["request"] = {
        "method": "PUT",
        "url": f"Condition?patient={HENDRIK}&identifier={P77}",
    }
    response = hendrik.post("", bundle)
    assert _body(response)["entry"][0]["response"]["status"] == "200 OK"
    assert ProblemVersion.objects.count() == 1  # unchanged content: no new version
