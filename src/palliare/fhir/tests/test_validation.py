"""Bad input gets a precise OperationOutcome (what, where, in English and Dutch) and stores
nothing: malformed JSON and XML, a wrong resourceType, a Consent without its required
category, an unknown code in a required binding, a reference to a missing patient, a broken
profile invariant; and the profile rules accept every published example."""

from __future__ import annotations

import copy
import json

import pytest

from palliare.audit.models import AuditEvent
from palliare.fhir.formats import parse_xml
from palliare.fhir.models import ResourceIdentity
from palliare.fhir.validation.rules import profile_issues
from palliare.patients.models import Patient

from .conftest import EXAMPLES, example, outcome_keys, requires_careplans

pytestmark = pytest.mark.django_db

CONSENT = "Consent-F1-ACP-TreatmentDirective-89666000.json"


def _stored() -> tuple[int, int]:
    return Patient.objects.count(), ResourceIdentity.objects.count()


def _issues(response):
    return json.loads(response.content)["issue"]


def test_malformed_json(api):
    before = _stored()
    response = api.put("Patient/x-1", '{"resourceType": "Patient", "id": ')
    assert response.status_code == 400
    issue = _issues(response)[0]
    assert issue["code"] == "structure"
    assert issue["diagnostics"].startswith("The body is not valid JSON")
    assert issue["details"]["text"].startswith("De inhoud is geen geldige JSON")
    assert _stored() == before


def test_malformed_and_hostile_xml(api):
    response = api.put(
        "Patient/x-1",
        b"<Patient xmlns='http://hl7.org/fhir'><id value=",
        content_type="application/fhir+xml",
    )
    assert response.status_code == 400
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaa">]>'
        b'<Patient xmlns="http://hl7.org/fhir"><id value="&a;"/></Patient>'
    )
    response = api.put("Patient/x-1", bomb, content_type="application/fhir+xml")
    assert response.status_code == 400


def test_wrong_resource_type(api):
    resource = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    response = api.put(f"Organization/{resource['id']}", resource)
    assert response.status_code == 400
    issue = _issues(response)[0]
    assert issue["expression"] == ["resourceType"]
    assert outcome_keys(response) == ["wrong-resource-type"]
    assert api.put("Patient/x", {"resourceType": "Patientje", "id": "x"}).status_code == 400


@requires_careplans
def test_consent_without_category(api):
    consent = example(CONSENT)
    del consent["category"]
    before = _stored()
    response = api.put(f"Consent/{consent['id']}", consent)
    assert response.status_code == 400
    issue = _issues(response)[0]
    assert issue["code"] == "required" and issue["expression"] == ["Consent.category"]
    assert "Consent.category" in issue["details"]["text"]  # Dutch text names the element too
    assert _stored() == before


@requires_careplans
def test_consent_with_the_wrong_category_breaks_the_profile(api):
    consent = example(CONSENT)
    consent["category"] = [{"coding": [{"system": "http://snomed.info/sct", "code": "1"}]}]
    response = api.put(f"Consent/{consent['id']}", consent)
    assert response.status_code == 422
    assert outcome_keys(response) == ["profile-slice-missing"]


@requires_careplans
def test_unknown_code_in_a_required_binding(api):
    consent = example(CONSENT)
    consent["provision"]["code"][0]["coding"][0]["code"] = "12345"
    before = _stored()
    response = api.put(f"Consent/{consent['id']}", consent)
    assert response.status_code == 422
    issue = _issues(response)[0]
    assert issue["code"] == "code-invalid"
    assert issue["expression"] == ["Consent.provision.code[0]"]
    assert "12345" in issue["diagnostics"]
    assert _stored() == before


@requires_careplans
def test_reference_to_a_missing_patient(api, practice):
    related = example("RelatedPerson-F1-ACP-ContactPerson-MichielHartman.json")
    before = _stored()
    response = api.put(f"RelatedPerson/{related['id']}", related)
    assert response.status_code == 422
    issue = _issues(response)[0]
    assert issue["expression"] == ["RelatedPerson.patient"]
    assert outcome_keys(response) == ["reference-not-found"]
    # The same for the directory: a role of a practitioner that does not exist.
    role = {
        "resourceType": "PractitionerRole",
        "id": "r-1",
        "practitioner": {"reference": "Practitioner/nobody"},
    }
    response = api.put("PractitionerRole/r-1", role)
    assert response.status_code == 422
    assert _issues(response)[0]["expression"] == ["PractitionerRole.practitioner"]
    assert _stored() == before


def test_patient_without_what_the_register_needs(api):
    patient = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    patient.pop("contact")
    no_bsn = copy.deepcopy(patient)
    no_bsn["identifier"] = []
    response = api.put(f"Patient/{patient['id']}", no_bsn)
    assert response.status_code == 422 and outcome_keys(response) == ["bsn-required"]
    bad_bsn = copy.deepcopy(patient)
    bad_bsn["identifier"][0]["value"] = "123456789"
    response = api.put(f"Patient/{patient['id']}", bad_bsn)
    assert response.status_code == 422 and outcome_keys(response) == ["register-bsn"]
    assert _issues(response)[0]["expression"] == ["Patient.identifier"]
    assert Patient.objects.count() == 0


def test_failed_writes_are_logged(api):
    api.put("Patient/x-1", "{")
    # parse errors happen before the actor is known to the write: the refusal of a
    # well-formed but invalid write is logged with the client as actor.
    patient = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    patient["identifier"] = []
    api.put(f"Patient/{patient['id']}", patient)
    event = AuditEvent.objects.filter(event_type="fhir.update").latest("sequence")
    assert event.outcome == "failure"
    assert event.actor_client_id == api.client.client_id


@pytest.mark.parametrize(
    "path",
    sorted(p.name for p in EXAMPLES.rglob("*") if p.suffix in (".json", ".xml")),
)
def test_every_published_example_passes_the_profile_rules(path):
    file = next(EXAMPLES.rglob(path))
    data = json.loads(file.read_text()) if file.suffix == ".json" else parse_xml(file.read_bytes())
    assert [i for i in profile_issues(data) if i.severity == "error"] == []


def test_pre_rc1_canonical_base_is_accepted():
    consent = example(CONSENT)
    consent["meta"]["profile"] = [
        "https://fhir.iknl.nl/fhir/StructureDefinition/ACP-TreatmentDirective"
    ]
    consent["provision"]["code"][0]["coding"][0]["code"] = "12345"
    assert [i.key for i in profile_issues(consent)] == ["binding-required"]


def test_invariant_warning_for_incapable_patient_without_representative():
    patient = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    patient["extension"][0]["extension"][0]["valueBoolean"] = False
    patient.pop("contact")
    issues = profile_issues(patient)
    assert [(i.key, i.severity) for i in issues] == [("invariant-ACP-Patient-1", "warning")]
