"""Ended treatment directives (Consent status ``inactive``, zib TreatmentDirective2 with
``provision.period.end`` and ReasonForEnding): they become ended treatment limits of the care
plan (history, in a new version), never the current decision; they come back as Consent
``inactive`` with their end date and reason; searches without ``status`` return them, ``status``
filters them; inconsistent endings are refused with a precise OperationOutcome and store
nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from palliare.careplans.models import CarePlan, CarePlanVersion
from palliare.fhir.validation.rules import profile_issues

from .conftest import example, outcome_keys, requires_careplans

pytestmark = [pytest.mark.django_db, requires_careplans]

PATIENT = "Patient/nl-core-Patient-01"
DIRECTIVE = "nl-core-TreatmentDirective2-01"
REASON_URL = "http://nictiz.nl/fhir/StructureDefinition/ext-TreatmentDirective2.ReasonForEnding"
PREREQUISITES = [
    "nl-core-Patient-01.xml",
    "nl-core-TreatmentDirective2-01-Practitioner-01.xml",
    "nl-core-TreatmentDirective2-01-PractitionerRole-01.xml",
    "nl-core-TreatmentDirective2-01-RelatedPerson-01.xml",
    "nl-core-TreatmentDirective2-01-Consent-01.xml",
]


def _put(api: Any, resource: dict[str, Any]) -> Any:
    return api.put(f"{resource['resourceType']}/{resource['id']}", resource)


@pytest.fixture
def nictiz(api: Any) -> Any:
    """The Nictiz patient with the resources the ended directive refers to."""
    for name in PREREQUISITES:
        response = _put(api, example(name))
        assert response.status_code in (200, 201), (name, response.content)
    return api


def _plan_content() -> dict[str, Any]:
    plan = CarePlan.objects.get(patient__bsn="111222333")
    assert plan.current_version is not None
    content: dict[str, Any] = plan.current_version.content
    return content


def test_an_ended_directive_is_history_in_a_new_version_and_reads_back(nictiz):
    versions = CarePlanVersion.objects.count()
    response = _put(nictiz, example(f"{DIRECTIVE}.xml"))
    assert response.status_code == 201, response.content
    assert CarePlanVersion.objects.count() == versions + 1
    content = _plan_content()
    [ended] = content["ended_limits"]
    assert ended["treatment"] == "305351004"
    assert ended["decision"] == "0"
    assert (ended["date"], ended["ended_on"]) == ("2012-09-11", "2012-10-15")
    assert ended["reason_for_ending"] == "hersteld en ontslagen"
    assert [a["kind"] for a in ended["actors"]] == ["contact", "professional"]
    # Never the current decision: the current ICU limit is not "yes".
    icu = next(r for r in content["treatment_limits"] if r["treatment"] == "305351004")
    assert icu["decision"] != "0"

    read = json.loads(nictiz.get(f"Consent/{DIRECTIVE}").content)
    assert read["status"] == "inactive"
    assert read["dateTime"] == "2012-09-11"
    assert read["provision"]["period"] == {"end": "2012-10-15"}
    assert read["provision"]["extension"] == [
        {"url": REASON_URL, "valueString": "hersteld en ontslagen"}
    ]
    assert read["provision"]["type"] == "permit"
    # The server's profile first, then the one the client declared (decision 0040).
    assert read["meta"]["profile"] == [
        "https://api.iknl.nl/docs/pzp/r4/StructureDefinition/ACP-TreatmentDirective",
        "http://nictiz.nl/fhir/StructureDefinition/nl-core-TreatmentDirective2",
    ]
    assert {a["reference"]["reference"] for a in read["provision"]["actor"]} == {
        "RelatedPerson/nl-core-TreatmentDirective2-01-RelatedPerson-01",
        "PractitionerRole/nl-core-TreatmentDirective2-01-PractitionerRole-01",
    }
    errors = [i.text("en") for i in profile_issues(read) if i.severity == "error"]
    assert errors == []


def _consents(api: Any, query: str) -> set[str]:
    response = api.get(f"Consent?patient={PATIENT}{query}")
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    return {e["resource"]["id"] for e in body.get("entry", []) if e["search"]["mode"] == "match"}


def test_searches_return_ended_directives_unless_status_filters_them(nictiz):
    assert _put(nictiz, example(f"{DIRECTIVE}.xml")).status_code == 201
    everything = _consents(nictiz, "")
    assert {DIRECTIVE, "nl-core-TreatmentDirective2-01-Consent-01"} <= everything
    assert _consents(nictiz, "&status=inactive") == {DIRECTIVE}
    active = _consents(nictiz, "&status=active")
    assert DIRECTIVE not in active
    assert "nl-core-TreatmentDirective2-01-Consent-01" in active
    # The guide's query 2 (treatment directives) has no status: the ended one is included.
    treatment = _consents(
        nictiz,
        "&scope=http://terminology.hl7.org/CodeSystem/consentscope|treatment"
        "&category=http://snomed.info/sct|129125009",
    )
    assert DIRECTIVE in treatment


def test_ending_a_current_directive_with_the_same_id(nictiz):
    current = example(f"{DIRECTIVE}.xml")
    current["id"] = "icu-directive"
    current["status"] = "active"
    del current["provision"]["period"]
    del current["provision"]["extension"]
    assert _put(nictiz, current).status_code == 201
    icu = next(r for r in _plan_content()["treatment_limits"] if r["treatment"] == "305351004")
    assert icu["decision"] == "0"

    ended = example(f"{DIRECTIVE}.xml")
    ended["id"] = "icu-directive"
    response = _put(nictiz, ended)
    assert response.status_code == 200, response.content
    content = _plan_content()
    icu = next(r for r in content["treatment_limits"] if r["treatment"] == "305351004")
    assert icu["decision"] == "UNK"  # nothing applies now
    assert [r["ended_on"] for r in content["ended_limits"]] == ["2012-10-15"]
    read = json.loads(nictiz.get("Consent/icu-directive").content)
    assert read["status"] == "inactive"

    # History is not made current again under the same id.
    response = _put(nictiz, current)
    assert response.status_code == 422
    assert outcome_keys(response) == ["directive-ended"]


def _refused(api: Any, resource: dict[str, Any], key: str) -> dict[str, Any]:
    versions = CarePlanVersion.objects.count()
    response = _put(api, resource)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == [key]
    assert CarePlanVersion.objects.count() == versions  # nothing stored
    issue: dict[str, Any] = json.loads(response.content)["issue"][0]
    assert issue["details"]["text"] != issue["diagnostics"]  # Dutch and English
    return issue


def test_bad_endings_are_refused_with_the_element_named(nictiz):
    base = example(f"{DIRECTIVE}.xml")

    before_start = copy.deepcopy(base)
    before_start["provision"]["period"]["end"] = "2012-09-01"  # agreed 2012-09-11
    issue = _refused(nictiz, before_start, "ending-before-start")
    assert issue["expression"] == ["Consent.provision.period.end"]

    reason_only = copy.deepcopy(base)
    reason_only["status"] = "active"
    del reason_only["provision"]["period"]
    issue = _refused(nictiz, reason_only, "ending-date-required")
    assert issue["expression"] == ["Consent.provision.period.end"]

    inactive_without_end = copy.deepcopy(base)
    del inactive_without_end["provision"]["period"]
    _refused(nictiz, inactive_without_end, "ending-date-required")

    future = copy.deepcopy(base)
    future["provision"]["period"]["end"] = "2999-01-01"
    _refused(nictiz, future, "ending-date-future")

    rejected = copy.deepcopy(base)
    rejected["status"] = "rejected"
    issue = _refused(nictiz, rejected, "directive-not-active")
    assert issue["expression"] == ["Consent.status"]

    missing_actor = copy.deepcopy(base)
    missing_actor["provision"]["actor"][0]["reference"]["reference"] = "RelatedPerson/nobody"
    _refused(nictiz, missing_actor, "reference-not-found")
