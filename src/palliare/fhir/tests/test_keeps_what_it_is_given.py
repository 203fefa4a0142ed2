"""Issue 20, items 1-3: the server keeps what it is given.

- One id per resource: a second id carrying the BSN of a registered patient, or naming a plan
  element (a treatment, the advance directive, the form) that already has a client's id, is
  refused with 409 naming the existing id; nothing changes; a read of ``T/X`` answers ``T/X``.
- Nothing is coerced: a Procedure that is not an ACP conversation, a Device that is not an ICD
  (and a DeviceUseStatement of one) is refused with 422 and the reason; no code is rewritten.
- A Device with a ``patient`` (the public ICD example) is stored, never a 500, with PUT, POST,
  batch and transaction.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from palliare.careplans.constants import AcpYesNoUnknown
from palliare.careplans.models import CarePlanVersion
from palliare.patients.models import Patient

from .conftest import example, outcome_keys, requires_careplans
from .test_examples import MISSING_PRACTITIONERS

pytestmark = [pytest.mark.django_db, requires_careplans]

HENDRIK = "Patient/F1-ACP-Patient-HendrikHartman"
CPR = "F1-ACP-TreatmentDirective-89666000"
F1 = [
    "Patient-F1-ACP-Patient-HendrikHartman.json",
    "PractitionerRole-F1-ACP-HealthProfessional-PractitionerRole-DrVanHuissen.json",
    "RelatedPerson-F1-ACP-ContactPerson-MichielHartman.json",
    "Encounter-F1-ACP-Encounter-01-10-2020.json",
    "Procedure-F1-ACP-Procedure-01-10-2020.json",
    f"Consent-{CPR}.json",
]


def _put(api: Any, resource: dict[str, Any]) -> Any:
    return api.put(f"{resource['resourceType']}/{resource['id']}", resource)


def _body(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.content)
    return data


@pytest.fixture
def hendrik(api: Any) -> Any:
    """Hendrik Hartman with his conversation and his resuscitation directive."""
    for practitioner in MISSING_PRACTITIONERS[:1]:
        assert _put(api, practitioner).status_code in (200, 201)
    for name in F1:
        response = _put(api, example(name))
        assert response.status_code in (200, 201), (name, response.content)
    return api


# --- 1. one id per resource -------------------------------------------------------------------


def test_a_second_patient_id_with_a_registered_bsn_is_refused_naming_the_first(hendrik):
    other = copy.deepcopy(example("Patient-F1-ACP-Patient-HendrikHartman.json"))
    other["id"] = "repro-same-bsn"
    other["name"] = [{"use": "official", "family": "Jansen", "given": ["Piet"]}]
    other["gender"] = "female"
    other["birthDate"] = "1990-01-01"
    before = Patient.objects.get(bsn="999911120")
    response = _put(hendrik, other)
    assert response.status_code == 409, response.content
    assert outcome_keys(response) == ["patient-id-taken"]
    assert "F1-ACP-Patient-HendrikHartman" in _body(response)["issue"][0]["diagnostics"]
    after = Patient.objects.get(bsn="999911120")
    assert (after.family_name, after.date_of_birth, after.version) == (
        before.family_name,
        before.date_of_birth,
        before.version,
    )
    read = _body(hendrik.get(HENDRIK))
    assert read["id"] == "F1-ACP-Patient-HendrikHartman"
    assert read["birthDate"] == before.date_of_birth.isoformat()
    assert hendrik.get("Patient/repro-same-bsn").status_code == 404
    consent = _body(hendrik.get(f"Consent/{CPR}"))
    assert consent["patient"]["reference"] == HENDRIK
    # POST of the same person is refused the same way (no silent merge into him).
    del other["id"]
    response = hendrik.post("Patient", other)
    assert response.status_code == 409, response.content
    assert outcome_keys(response) == ["patient-id-taken"]


def test_the_same_patient_under_his_own_id_is_still_updated(hendrik):
    same = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    response = _put(hendrik, same)
    assert response.status_code == 200, response.content
    assert _body(response)["id"] == "F1-ACP-Patient-HendrikHartman"


def test_a_second_directive_id_for_the_same_treatment_is_refused(hendrik):
    copy_ = copy.deepcopy(example(f"Consent-{CPR}.json"))
    copy_["id"] = "repro-cpr-second"
    copy_["provision"]["type"] = "deny"
    versions = CarePlanVersion.objects.count()
    response = _put(hendrik, copy_)
    assert response.status_code == 409, response.content
    assert outcome_keys(response) == ["element-id-taken"]
    assert CPR in _body(response)["issue"][0]["diagnostics"]
    assert CarePlanVersion.objects.count() == versions
    read = _body(hendrik.get(f"Consent/{CPR}"))
    assert read["id"] == CPR
    assert read["provision"]["type"] == example(f"Consent-{CPR}.json")["provision"]["type"]
    assert hendrik.get("Consent/repro-cpr-second").status_code == 404
    # The first id is still the one to update.
    copy_["id"] = CPR
    assert _put(hendrik, copy_).status_code == 200
    assert _body(hendrik.get(f"Consent/{CPR}"))["provision"]["type"] == "deny"


def _advance_directive(logical_id: str, comment: str) -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "id": logical_id,
        "status": "active",
        "scope": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "adr"}
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/consentcategorycodes",
                        "code": "acd",
                    }
                ]
            },
        ],
        "patient": {"reference": HENDRIK},
        "dateTime": "2020-10-01",
        "extension": [
            {
                "url": "http://nictiz.nl/fhir/StructureDefinition/ext-Comment",
                "valueString": comment,
            }
        ],
        "provision": {
            "code": [
                {
                    "coding": [
                        {
                            "system": "urn:oid:2.16.840.1.113883.2.4.3.11.60.40.4.14.1",
                            "code": "NR",
                        }
                    ]
                }
            ]
        },
    }


def test_a_second_advance_directive_id_is_refused(hendrik):
    response = _put(hendrik, _advance_directive("repro-adr-first", "eerste"))
    assert response.status_code == 201, response.content
    response = _put(hendrik, _advance_directive("repro-adr-second", "tweede"))
    assert response.status_code == 409, response.content
    assert "repro-adr-first" in _body(response)["issue"][0]["diagnostics"]
    assert _body(hendrik.get("Consent/repro-adr-first"))["id"] == "repro-adr-first"
    assert hendrik.get("Consent/repro-adr-second").status_code == 404


def test_a_second_form_id_is_refused(hendrik):
    form = copy.deepcopy(example("QuestionnaireResponse-HendrikHartman-20201001.json"))
    response = _put(hendrik, form)
    assert response.status_code in (200, 201), response.content
    first = form["id"]
    form["id"] = "repro-form-second"
    response = _put(hendrik, form)
    assert response.status_code == 409, response.content
    assert first in _body(response)["issue"][0]["diagnostics"]
    assert _body(hendrik.get(f"QuestionnaireResponse/{first}"))["id"] == first


# --- 2. nothing coerced -------------------------------------------------------------------------


def test_a_procedure_that_is_not_an_acp_conversation_is_refused(hendrik):
    appendectomy = {
        "resourceType": "Procedure",
        "id": "repro-appendectomy",
        "status": "completed",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "80146002"}]},
        "subject": {"reference": HENDRIK},
        "performedDateTime": "2019-05-05",
    }
    versions = CarePlanVersion.objects.count()
    response = _put(hendrik, appendectomy)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == ["procedure-code"]
    assert CarePlanVersion.objects.count() == versions
    search = _body(hendrik.get("Procedure?patient=F1-ACP-Patient-HendrikHartman&code=713603004"))
    assert "2019-05-05" not in json.dumps(search)


def test_a_device_that_is_not_an_icd_is_refused(hendrik):
    hearing_aid = {
        "resourceType": "Device",
        "id": "repro-hearing-aid",
        "type": {"coding": [{"system": "http://snomed.info/sct", "code": "6012004"}]},
    }
    response = _put(hendrik, hearing_aid)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == ["device-type"]
    response = _put(hendrik, hearing_aid | {"patient": {"reference": HENDRIK}})
    assert response.status_code == 422, response.content
    statement = {
        "resourceType": "DeviceUseStatement",
        "id": "repro-hearing-aid-use",
        "status": "active",
        "subject": {"reference": HENDRIK},
        "device": {"reference": "Device/repro-hearing-aid"},
    }
    response = _put(hendrik, statement)
    assert response.status_code == 422, response.content
    plan = Patient.objects.get(bsn="999911120").care_plan.current_version.content
    assert plan["icd"]["present"] != "JA"
    assert plan["icd"]["present"] != "Y"


# --- 3. the ICD example with a patient ----------------------------------------------------------


def _icd_with_patient() -> dict[str, Any]:
    return example("Device-F1-ACP-MedicalDevice.Product-ICD.json") | {
        "patient": {"reference": HENDRIK}
    }


def test_the_icd_example_with_a_patient_is_stored_by_put(hendrik):
    response = _put(hendrik, _icd_with_patient())
    assert response.status_code == 201, response.content
    read = _body(hendrik.get("Device/F1-ACP-MedicalDevice.Product-ICD"))
    assert read["id"] == "F1-ACP-MedicalDevice.Product-ICD"
    assert read["patient"]["reference"] == HENDRIK
    assert read["type"]["coding"][0]["code"] == "72506001"


def test_the_icd_example_with_a_patient_is_stored_by_post(hendrik):
    device = _icd_with_patient()
    del device["id"]
    response = hendrik.post("Device", device)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("kind", ["batch", "transaction"])
def test_the_icd_example_with_a_patient_in_a_bundle(hendrik, kind):
    device = _icd_with_patient()
    bundle = {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {"resource": device, "request": {"method": "PUT", "url": f"Device/{device['id']}"}},
        ],
    }
    response = hendrik.post("", bundle)
    assert response.status_code == 200, response.content
    entry = _body(response)["entry"][0]
    assert entry["response"]["status"].startswith("201"), entry


# --- 5. business identifiers come back ----------------------------------------------------------


def test_business_identifiers_of_plan_resources_come_back_in_read_and_search(hendrik):
    sent = example(f"Consent-{CPR}.json")["identifier"]
    read = _body(hendrik.get(f"Consent/{CPR}"))
    assert read["identifier"] == sent
    search = _body(hendrik.get("Consent?patient=F1-ACP-Patient-HendrikHartman"))
    found = {e["resource"]["id"]: e["resource"] for e in search["entry"]}
    assert found[CPR]["identifier"] == sent
    procedure = example("Procedure-F1-ACP-Procedure-01-10-2020.json")
    read = _body(hendrik.get(f"Procedure/{procedure['id']}"))
    assert read["identifier"] == procedure["identifier"]
    device = example("Device-F1-ACP-MedicalDevice.Product-ICD.json")
    assert _put(hendrik, device).status_code == 201
    assert _body(hendrik.get(f"Device/{device['id']}"))["identifier"] == device["identifier"]
    form = example("QuestionnaireResponse-HendrikHartman-20201001.json")
    form["identifier"] = {"system": "https://his.example.org/forms", "value": "form-1"}
    assert _put(hendrik, form).status_code in (200, 201)
    read = _body(hendrik.get(f"QuestionnaireResponse/{form['id']}"))
    assert read["identifier"] == form["identifier"]  # one Identifier (0..1), not a list


# --- 2b. nothing coerced: the other plan facts ----------------------------------------------


def _inform_request(**changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "CommunicationRequest",
        "id": "repro-inform",
        "status": "completed",
        "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "223449006"}]}],
        "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "713603004"}]}],
        "subject": {"reference": HENDRIK},
        "sender": {"reference": HENDRIK},
        "authoredOn": "2020-10-01",
    }
    return resource | changes


def _informed() -> str:
    from palliare.careplans.models import CarePlan

    plan = CarePlan.objects.get(patient__bsn="999911120")
    return str(plan.current_version.content["sharing"]["patient_informed"])


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        (  # a referral letter request, not "inform relatives"
            {"category": [{"coding": [{"system": "http://snomed.info/sct", "code": "306206005"}]}]},
            "inform-relatives-category",
        ),
        ({"category": []}, "inform-relatives-category"),
        (  # inform relatives, but not about the ACP conversation
            {
                "reasonCode": [
                    {"coding": [{"system": "http://snomed.info/sct", "code": "80146002"}]}
                ]
            },
            "inform-relatives-reason",
        ),
    ],
)
def test_a_communication_request_that_is_not_inform_relatives_is_refused(hendrik, changes, key):
    before = _informed()
    versions = CarePlanVersion.objects.count()
    response = _put(hendrik, _inform_request(**changes))
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == [key]
    assert CarePlanVersion.objects.count() == versions
    assert _informed() == before
    assert _put(hendrik, _inform_request()).status_code == 201
    assert _informed() == AcpYesNoUnknown.YES


def test_a_communication_that_is_not_inform_relatives_is_refused(hendrik):
    sent = example("Communication-F1-ACP-Communication-01-10-2020.json")
    # without meta.profile: the profile layer has nothing to check, the import path must
    communication = {k: v for k, v in sent.items() if k != "meta"}
    versions = CarePlanVersion.objects.count()
    other_topic = communication | {
        "id": "repro-topic",
        "topic": {"coding": [{"system": "http://snomed.info/sct", "code": "306206005"}]},
    }
    response = _put(hendrik, other_topic)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == ["inform-relatives-category"]
    no_acp = communication | {
        "id": "repro-reason",
        "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "80146002"}]}],
    }
    response = _put(hendrik, no_acp)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == ["inform-relatives-reason"]
    assert "713603004" in _body(response)["issue"][0]["diagnostics"]
    assert CarePlanVersion.objects.count() == versions
    assert _put(hendrik, sent).status_code in (200, 201)


def test_a_goal_with_another_category_is_refused(hendrik):
    goal = {
        "resourceType": "Goal",
        "id": "repro-goal",
        "lifecycleStatus": "active",
        "category": [{"coding": [{"system": "http://snomed.info/sct", "code": "182840001"}]}],
        "description": {"coding": [{"system": "http://snomed.info/sct", "code": "713148004"}]},
        "subject": {"reference": HENDRIK},
    }
    versions = CarePlanVersion.objects.count()
    response = _put(hendrik, goal)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == ["goal-category"]
    assert CarePlanVersion.objects.count() == versions
    acp = [{"coding": [{"system": "http://snomed.info/sct", "code": "713603004"}]}]
    assert _put(hendrik, goal | {"category": acp}).status_code == 201
    without = {k: v for k, v in goal.items() if k != "category"}  # before rc2: no category
    assert _put(hendrik, without | {"id": "repro-goal"}).status_code == 200


@pytest.mark.parametrize(
    ("scope", "category"),
    [
        ("treatment", ("http://snomed.info/sct", "80146002")),
        ("adr", ("http://loinc.org", "59284-0")),
    ],
)
def test_a_directive_with_another_category_is_refused(hendrik, scope, category):
    """Guard (audit of every import path): the zib profiles the content implies already refuse
    a Consent whose category is not the directive's fixed one (profile layer, not imports)."""
    consent = copy.deepcopy(example(f"Consent-{CPR}.json"))
    consent["id"] = "repro-category"
    consent["scope"] = {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": scope}]
    }
    consent["category"] = [{"coding": [{"system": category[0], "code": category[1]}]}]
    if scope == "adr":
        consent["provision"] = {
            "code": [
                {
                    "coding": [
                        {"system": "urn:oid:2.16.840.1.113883.2.4.3.11.60.40.4.14.1", "code": "NR"}
                    ]
                }
            ]
        }
    versions = CarePlanVersion.objects.count()
    response = _put(hendrik, consent)
    assert response.status_code == 422, response.content
    assert "profile-slice-missing" in outcome_keys(response)
    assert CarePlanVersion.objects.count() == versions


def test_a_treatment_outside_the_treatment_list_is_not_made_another_treatment(hendrik):
    """Guard (audit): a code outside BehandelingCodelijst is refused by the required binding,
    never stored as "another treatment" with its text."""
    consent = copy.deepcopy(example(f"Consent-{CPR}.json"))
    consent["id"] = "repro-appendectomy-directive"
    consent["provision"]["code"] = [
        {
            "coding": [{"system": "http://snomed.info/sct", "code": "80146002"}],
            "text": "appendectomie",
        }
    ]
    versions = CarePlanVersion.objects.count()
    response = _put(hendrik, consent)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == ["binding-required"]
    assert CarePlanVersion.objects.count() == versions
