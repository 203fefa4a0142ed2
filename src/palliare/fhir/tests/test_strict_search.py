"""Issue 20, item 9: searches honour what they are asked. ``device.type:in=<ValueSet>`` filters
by the guide's value sets (an unknown value set is a 400 OperationOutcome, never a silently
empty or full result); every search honours ``Prefer: handling=strict`` (an unsupported
parameter or modifier is a 400) and, lenient, names what it ignored in the Bundle's
OperationOutcome entry (search mode ``outcome``). The IG's ACP searches pass under strict."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import outcome_keys, requires_careplans
from .test_examples import F1, P2, SCT, loaded  # noqa: F401

pytestmark = [pytest.mark.django_db, requires_careplans]

STRICT = {"Prefer": "handling=strict"}
ICD_VS = "https://api.iknl.nl/docs/pzp/r4/ValueSet/ACP-MedicalDeviceProductType-ICD"
PLACE_VS = "https://api.iknl.nl/docs/pzp/r4/ValueSet/ACP-PreferredPlaceOfDeath"

#: The IG's searches (GUIDE.md "queries") with the resources they must find.
IG_QUERIES = [
    (
        f"Procedure?patient={F1}&code={SCT}|713603004&_include=Procedure:encounter",
        {"Procedure/F1-ACP-Procedure-01-10-2020"},
    ),
    (
        f"Encounter?patient={F1}&reason-reference:Procedure.code={SCT}|713603004"
        "&_include=Encounter:reason-reference",
        {"Encounter/F1-ACP-Encounter-01-10-2020"},
    ),
    (
        f"Consent?patient={F1}&scope=http://terminology.hl7.org/CodeSystem/consentscope"
        f"|treatment&category={SCT}|129125009&_include=Consent:actor",
        {"Consent/F1-ACP-TreatmentDirective-89666000"},
    ),
    (
        "Consent?patient=Patient/nl-core-Patient-01&scope=http://terminology.hl7.org/"
        "CodeSystem/consentscope|adr&category=http://terminology.hl7.org/CodeSystem/"
        "consentcategorycodes|acd&_include=Consent:actor",
        {"Consent/nl-core-TreatmentDirective2-01-Consent-01"},
    ),
    (f"Goal?patient={P2}&category={SCT}|713603004", {"Goal/P2-ACP-Medical-Policy-Goal"}),
    (
        f"Observation?patient={F1}&code={SCT}|153851000146100,395091006,340171000146104,"
        "247751003,570801000146104",
        {"Observation/F1-ACP-SpecificCareWishes"},
    ),
    (
        f"DeviceUseStatement?patient={F1}&device.type:in={ICD_VS}"
        "&_include=DeviceUseStatement:device",
        {"DeviceUseStatement/F1-ACP-MedicalDevice-ICD"},
    ),
    (
        f"CommunicationRequest?patient={F1.split('/')[1]}&category={SCT}|223449006",
        set(),
    ),
    (
        f"QuestionnaireResponse?subject={F1}&questionnaire="
        "https://api.iknl.nl/docs/pzp/r4/Questionnaire/ACP-zib2020",
        {"QuestionnaireResponse/HendrikHartman-20201001"},
    ),
]


def _matches(body: dict[str, Any]) -> set[str]:
    return {
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in body.get("entry", [])
        if e["search"]["mode"] == "match"
    }


@pytest.mark.parametrize(("query", "expected"), IG_QUERIES)
def test_the_guides_searches_pass_with_strict_handling(api, loaded, query, expected):  # noqa: F811
    response = api.get(query, **STRICT)
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert expected <= _matches(body)
    assert body["total"] >= 1
    assert not [e for e in body.get("entry", []) if e["search"]["mode"] == "outcome"]


def test_device_type_in_honours_the_value_set(api, loaded):  # noqa: F811
    """The reproduction: a value set without the ICD finds nothing (it found every device)."""
    base = f"DeviceUseStatement?patient={F1}"
    for handling in ({}, STRICT):
        found = json.loads(api.get(f"{base}&device.type:in={ICD_VS}", **handling).content)
        assert _matches(found) == {"DeviceUseStatement/F1-ACP-MedicalDevice-ICD"}
        found = json.loads(api.get(f"{base}&device.type:in={PLACE_VS}", **handling).content)
        assert found["total"] == 0
        found = json.loads(api.get(f"{base}&device.type:not-in={ICD_VS}", **handling).content)
        assert found["total"] == 0


def test_an_unknown_value_set_is_an_outcome(api, loaded):  # noqa: F811
    for handling in ({}, STRICT):
        response = api.get(
            f"DeviceUseStatement?patient={F1}&device.type:in=https://example.org/ValueSet/nope",
            **handling,
        )
        assert response.status_code == 400, response.content
        assert outcome_keys(response) == ["unknown-valueset"]
    response = api.get(f"Observation?patient={F1}&code:in=urn:x:nope")
    assert response.status_code == 400
    assert outcome_keys(response) == ["unknown-valueset"]


@pytest.mark.parametrize(
    "query",
    [
        f"DeviceUseStatement?patient={F1}&device.type:text=ICD",  # unsupported chain modifier
        f"DeviceUseStatement?patient={F1}&device.manufacturer=X",  # unsupported chain
        f"Consent?patient={F1}&scope:text=treatment",  # unsupported modifier
        f"Consent?patient={F1}&foo=bar",  # unknown parameter
        f"Consent?patient={F1}&_include=Consent:patient",  # unsupported include
        f"Consent?patient={F1}&_include:iterate=Consent:actor",  # unsupported include modifier
        "Patient?foo=bar",
        "Organization?name:contains=x",
        "Practitioner?address=x",
    ],
)
def test_strict_refuses_and_lenient_reports_what_is_not_supported(api, loaded, query):  # noqa: F811
    response = api.get(query, **STRICT)
    assert response.status_code == 400, response.content
    assert outcome_keys(response) == ["bad-parameter"]
    response = api.get(query)
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    outcomes = [e for e in body.get("entry", []) if e["search"]["mode"] == "outcome"]
    assert len(outcomes) == 1
    assert outcomes[0]["resource"]["issue"][0]["details"]["coding"][0]["code"] == (
        "parameter-ignored"
    )
    self_link = next(link["url"] for link in body["link"] if link["relation"] == "self")
    assert "foo" not in self_link and ":text" not in self_link


def test_strict_applies_to_post_search_too(api, loaded):  # noqa: F811
    response = api.http.post(
        "/fhir/Consent/_search",
        {"patient": F1, "foo": "bar"},
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_PREFER="handling=strict",
    )
    assert response.status_code == 400
    assert outcome_keys(response) == ["bad-parameter"]
