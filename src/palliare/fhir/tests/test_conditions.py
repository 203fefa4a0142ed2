"""Issue 20, item 4: a Condition (nl-core-Problem) can be written and is kept as what it is —
a problem or diagnosis with the codes sent, never rewritten — readable, versioned and
searchable by patient; elements the zib Problem cannot hold are refused, not dropped. A
PractitionerRole with only a specialty or an organisation is accepted, and a resource that
refers to it is stored."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from palliare.audit.models import AuditEvent
from palliare.patients.models import Problem, ProblemVersion

from .conftest import example, outcome_keys, requires_careplans
from .test_keeps_what_it_is_given import HENDRIK, hendrik  # noqa: F401

pytestmark = [pytest.mark.django_db, requires_careplans]

HEART_FAILURE = {
    "system": "http://snomed.info/sct",
    "code": "84114007",
    "display": "hartfalen",
}
ICPC = {"system": "http://hl7.org/fhir/sid/icpc-1-nl", "code": "K77", "display": "Decompensatio"}


def problem(logical_id: str = "repro-problem-hf", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "resourceType": "Condition",
        "id": logical_id,
        "meta": {"profile": ["http://nictiz.nl/fhir/StructureDefinition/nl-core-Problem"]},
        "identifier": [{"system": "urn:oid:2.16.840.1.113883.2.4.3.11.999.1", "value": "P-77"}],
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "confirmed",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {"system": "http://snomed.info/sct", "code": "282291009", "display": "Diagnose"}
                ]
            }
        ],
        "code": {"coding": [HEART_FAILURE, ICPC], "text": "Hartfalen NYHA IV"},
        "subject": {"reference": HENDRIK},
        "onsetDateTime": "2019-03",
        "recordedDate": "2020-09-30T10:15:00+02:00",
        "note": [{"text": "Bekend bij cardioloog."}],
    }
    data.update(changes)
    return data


def _body(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.content)
    return data


def test_a_condition_is_stored_with_the_codes_sent_and_read_back(hendrik):  # noqa: F811
    sent = problem()
    response = hendrik.put("Condition/repro-problem-hf", sent)
    assert response.status_code == 201, response.content
    read = _body(hendrik.get("Condition/repro-problem-hf"))
    assert read["id"] == "repro-problem-hf"
    assert read["code"] == sent["code"]  # both codings, displays and text, in order
    assert read["category"] == sent["category"]
    for name in (
        "clinicalStatus",
        "verificationStatus",
        "onsetDateTime",
        "recordedDate",
        "note",
        "identifier",
    ):
        assert read[name] == sent[name], name
    assert read["subject"]["reference"] == HENDRIK
    assert read["meta"]["versionId"] == "1"
    assert Problem.objects.count() == 1
    # An unchanged PUT makes no version; a changed one does (nothing overwritten).
    assert hendrik.put("Condition/repro-problem-hf", sent).status_code == 200
    assert ProblemVersion.objects.count() == 1
    changed = problem(abatementDateTime="2020-12-01")
    response = hendrik.put("Condition/repro-problem-hf", changed)
    assert response.status_code == 200
    assert _body(response)["meta"]["versionId"] == "2"
    assert ProblemVersion.objects.count() == 2


def test_a_condition_is_never_recoded(hendrik):  # noqa: F811
    """A code outside any ACP value set is kept as it came, not mapped to the register."""
    sent = problem(code={"coding": [{"system": "urn:oid:1.2.3", "code": "x-1"}]})
    assert (
        hendrik.post("Condition", {k: v for k, v in sent.items() if k != "id"}).status_code == 201
    )
    found = _body(hendrik.get(f"Condition?patient={HENDRIK}&code=urn:oid:1.2.3|x-1"))
    codes = [e["resource"]["code"] for e in found["entry"] if e["search"]["mode"] == "match"]
    assert codes == [{"coding": [{"system": "urn:oid:1.2.3", "code": "x-1"}]}]


def test_conditions_are_searchable_by_patient_and_audited(hendrik):  # noqa: F811
    assert hendrik.put("Condition/repro-problem-hf", problem()).status_code == 201
    bundle = _body(hendrik.get(f"Condition?patient={HENDRIK}"))
    ids = {e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == "match"}
    assert "repro-problem-hf" in ids
    bundle = _body(hendrik.get(f"Condition?subject={HENDRIK}&code=http://snomed.info/sct|84114007"))
    assert bundle["total"] == 1
    bundle = _body(hendrik.get(f"Condition?patient={HENDRIK}&code=http://snomed.info/sct|1"))
    assert bundle["total"] == 0
    before = AuditEvent.objects.filter(event_type="fhir.read").count()
    hendrik.get("Condition/repro-problem-hf")
    assert AuditEvent.objects.filter(event_type="fhir.read").count() == before + 1


@pytest.mark.parametrize(
    ("change", "status", "key"),
    [
        ({"bodySite": [{"text": "hart"}]}, 422, "element-not-kept"),
        ({"note": [{"text": "a"}, {"text": "b"}]}, 422, "one-note"),
        ({"code": {}}, 422, "problem-codes"),
        ({"subject": {"reference": "Patient/does-not-exist"}}, 422, "reference-not-found"),
        (
            {"onsetDateTime": "2020-01-01", "abatementDateTime": "2019-01-01"},
            422,
            "problem-abatement",
        ),
        (
            {"clinicalStatus": {"coding": [{"system": "urn:x", "code": "active"}]}},
            422,
            "status-system",
        ),
    ],
)
def test_bad_conditions_are_refused_with_an_outcome(hendrik, change, status, key):  # noqa: F811
    data = problem("repro-problem-bad", **change)
    response = hendrik.put("Condition/repro-problem-bad", data)
    assert response.status_code == status, response.content
    assert key in outcome_keys(response)
    assert Problem.objects.count() == 0


def test_the_registers_diagnosis_group_stays_read_only(hendrik):  # noqa: F811
    from palliare.patients.models import Patient

    patient = Patient.objects.get(bsn="999911120")
    Patient.objects.filter(pk=patient.pk).update(diagnosis_group="heart_failure")
    generated = f"acp-{patient.pk}-diagnosis"
    assert hendrik.get(f"Condition/{generated}").status_code == 200
    response = hendrik.put(f"Condition/{generated}", problem(generated))
    assert response.status_code == 405
    assert hendrik.put("Condition/12345", problem("12345")).status_code == 404


def test_a_condition_of_an_invisible_patient_is_not_found(hendrik, practice):  # noqa: F811
    from palliare.fhir.factories import make_client
    from palliare.organizations.factories import OrganizationFactory

    from .conftest import Api

    assert hendrik.put("Condition/repro-problem-hf", problem()).status_code == 201
    _c, token = make_client("system/*.read system/*.write", organization=OrganizationFactory())
    stranger = Api(token)
    assert stranger.get("Condition/repro-problem-hf").status_code == 404
    response = stranger.put("Condition/repro-problem-hf", problem())
    assert response.status_code == 422  # the subject is not visible to it
    assert ProblemVersion.objects.count() == 1


# --- PractitionerRole without a practitioner ------------------------------------------------------


def _role(logical_id: str, **parts: Any) -> dict[str, Any]:
    return {"resourceType": "PractitionerRole", "id": logical_id, **parts}


CARDIOLOGY = {
    "coding": [
        {"system": "urn:oid:2.16.840.1.113883.2.4.6.7", "code": "0320", "display": "Cardiologie"}
    ]
}


def test_a_role_with_only_a_specialty_or_organisation_is_accepted(hendrik, practice):  # noqa: F811
    response = hendrik.put(
        "PractitionerRole/repro-role-spec", _role("repro-role-spec", specialty=[CARDIOLOGY])
    )
    assert response.status_code == 201, response.content
    read = _body(hendrik.get("PractitionerRole/repro-role-spec"))
    assert read["specialty"] == [CARDIOLOGY]
    assert "practitioner" not in read
    org = _role("repro-role-org", organization={"reference": f"Organization/{practice.pk}"})
    response = hendrik.put("PractitionerRole/repro-role-org", org)
    assert response.status_code == 201, response.content
    read = _body(hendrik.get("PractitionerRole/repro-role-org"))
    assert read["organization"]["reference"] == f"Organization/{practice.pk}"
    # An update keeps the id and answers 200.
    org["specialty"] = [CARDIOLOGY]
    response = hendrik.put("PractitionerRole/repro-role-org", org)
    assert response.status_code == 200, response.content
    assert _body(response)["specialty"] == [CARDIOLOGY]
    # Empty: nothing to stand for.
    response = hendrik.put("PractitionerRole/repro-role-empty", _role("repro-role-empty"))
    assert response.status_code == 422
    assert outcome_keys(response) == ["role-empty"]


def test_resources_referring_to_a_role_without_practitioner_are_stored(hendrik):  # noqa: F811
    role = _role("repro-role-spec", specialty=[CARDIOLOGY])
    assert hendrik.put("PractitionerRole/repro-role-spec", role).status_code == 201
    procedure = copy.deepcopy(example("Procedure-F1-ACP-Procedure-01-10-2020.json"))
    for performer in procedure.get("performer") or []:
        performer["actor"] = {
            "reference": "PractitionerRole/repro-role-spec",
            "type": "PractitionerRole",
        }
    response = hendrik.put(f"Procedure/{procedure['id']}", procedure)
    assert response.status_code in (200, 201), response.content
    read = _body(hendrik.get(f"Procedure/{procedure['id']}"))
    actors = [p["actor"].get("reference") for p in read.get("performer") or []]
    assert "PractitionerRole/repro-role-spec" in actors
    consent = copy.deepcopy(example("Consent-F1-ACP-TreatmentDirective-89666000.json"))
    consent["provision"]["actor"] = [
        {
            "role": consent["provision"]["actor"][0]["role"],
            "reference": {"reference": "PractitionerRole/repro-role-spec"},
        }
    ]
    response = hendrik.put(f"Consent/{consent['id']}", consent)
    assert response.status_code in (200, 201), response.content
