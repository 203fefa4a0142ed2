"""The REST interactions over the register and the directory: read, search (tokens, OR lists,
paging, total, strict and lenient handling), create, update-as-create with client ids,
versioning, XML and JSON in and out, transactions, and the CapabilityStatement."""

from __future__ import annotations

import json

import pytest

from palliare.fhir.constants import BSN
from palliare.fhir.models import PatientContribution, ResourceIdentity
from palliare.organizations.models import Organization, Professional
from palliare.patients.factories import PatientFactory
from palliare.patients.models import Patient

from .conftest import example, outcome_keys

pytestmark = pytest.mark.django_db


def _patient(bsn="999911120", **extra):
    resource = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    resource.pop("contact", None)
    resource["identifier"][0]["value"] = bsn
    resource.update(extra)
    return resource


def test_update_as_create_keeps_the_client_id_and_reads_back(api, practice):
    resource = _patient()
    response = api.put(f"Patient/{resource['id']}", resource)
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(f"/fhir/Patient/{resource['id']}/_history/1")
    assert response["ETag"] == 'W/"1"'
    patient = Patient.objects.get(bsn="999911120")
    assert patient.gp_practice == practice  # the sending GP practice
    read = json.loads(api.get(f"Patient/{resource['id']}").content)
    assert read["id"] == resource["id"]
    assert read["identifier"] == [{"system": BSN, "value": "999911120"}]
    assert read["meta"]["profile"] == [
        "https://api.iknl.nl/docs/pzp/r4/StructureDefinition/ACP-Patient"
    ]
    # A second PUT updates (200) and raises the version.
    resource["birthDate"] = "1961-01-02"
    response = api.put(f"Patient/{resource['id']}", resource)
    assert response.status_code == 200
    assert json.loads(response.content)["meta"]["versionId"] == "2"


def test_post_creates_with_a_server_id(api):
    resource = _patient()
    del resource["id"]
    response = api.post("Patient", resource)
    assert response.status_code == 201, response.content
    created = json.loads(response.content)
    assert created["id"] == str(Patient.objects.get(bsn="999911120").pk)
    assert PatientContribution.objects.filter(patient__bsn="999911120").exists()


def test_numeric_and_reserved_client_ids_are_refused(api):
    resource = _patient(id="12345")
    assert api.put("Patient/12345", resource).status_code == 404
    resource["id"] = "acp-1-goal"
    response = api.put("Patient/acp-1-goal", resource)
    assert response.status_code == 400
    assert outcome_keys(response) == ["reserved-id"]


def test_if_match_detects_a_stale_update(api):
    resource = _patient()
    api.put(f"Patient/{resource['id']}", resource)
    resource["gender"] = "male"
    assert (
        api.put(f"Patient/{resource['id']}", resource, **{"If-Match": 'W/"1"'}).status_code == 200
    )
    resource["gender"] = "female"
    response = api.put(f"Patient/{resource['id']}", resource, **{"If-Match": 'W/"1"'})
    assert response.status_code == 412
    assert outcome_keys(response) == ["version-conflict"]


def test_search_by_identifier_or_list_paging_and_total(api, practice):
    patients = [PatientFactory(gp_practice=practice) for _ in range(5)]
    bsns = ",".join(f"{BSN}|{p.bsn}" for p in patients[:3])
    body = json.loads(api.get(f"Patient?identifier={bsns}").content)
    assert body["type"] == "searchset" and body["total"] == 3
    assert {e["resource"]["identifier"][0]["value"] for e in body["entry"]} == {
        p.bsn for p in patients[:3]
    }
    page1 = json.loads(api.get("Patient?_count=2").content)
    assert page1["total"] == 5 and len(page1["entry"]) == 2
    next_url = next(link["url"] for link in page1["link"] if link["relation"] == "next")
    page2 = json.loads(api.get(next_url.split("/fhir/", 1)[1]).content)
    assert len(page2["entry"]) == 2
    assert {e["resource"]["id"] for e in page1["entry"]}.isdisjoint(
        {e["resource"]["id"] for e in page2["entry"]}
    )


def test_empty_search_is_200_with_an_empty_bundle(api):
    response = api.get(f"Patient?identifier={BSN}|999911120")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["total"] == 0 and "entry" not in body


def test_unknown_parameter_lenient_is_reported_strict_is_refused(api, practice):
    PatientFactory(gp_practice=practice)
    body = json.loads(api.get("Patient?colour=blue&gender=female").content)
    assert "colour" not in body["link"][0]["url"] and "gender=female" in body["link"][0]["url"]
    outcome = body["entry"][-1]
    assert outcome["search"]["mode"] == "outcome"
    assert "colour" in outcome["resource"]["issue"][0]["diagnostics"]
    response = api.get("Patient?colour=blue", Prefer="handling=strict")
    assert response.status_code == 400
    assert outcome_keys(response) == ["bad-parameter"]


def test_id_lastupdated_and_birthdate_searches(api, practice):
    patient = PatientFactory(gp_practice=practice)
    body = json.loads(api.get(f"Patient?_id={patient.pk}&_lastUpdated=gt2000-01-01").content)
    assert body["total"] == 1
    assert json.loads(api.get("Patient?_lastUpdated=lt2000-01-01").content)["total"] == 0
    assert json.loads(api.get("Patient?birthdate=1942-03").content)["total"] == 1
    assert json.loads(api.get("Patient?birthdate=ge1950").content)["total"] == 0
    assert api.get("Patient?birthdate=yesterday").status_code == 400


def test_xml_in_and_out(api):
    resource = _patient()
    xml = api.put(f"Patient/{resource['id']}?_format=xml", resource).content
    assert xml.startswith(b"<?xml") and b'<Patient xmlns="http://hl7.org/fhir">' in xml
    resource["gender"] = "male"
    from palliare.fhir.formats import to_xml

    response = api.put(
        f"Patient/{resource['id']}",
        to_xml(resource),
        content_type="application/fhir+xml",
        Accept="application/fhir+xml",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+xml")
    assert b'<gender value="male"/>' in response.content
    assert api.get(f"Patient/{resource['id']}?_format=json")["Content-Type"].startswith(
        "application/fhir+json"
    )
    assert api.get(f"Patient/{resource['id']}?_format=text/turtle").status_code == 406


def test_directory_resources_round_trip(api):
    org = example("nl-core-Encounter-01-Organization-01.xml")
    assert api.put(f"Organization/{org['id']}", org).status_code == 201
    loc = example("nl-core-Encounter-01-Location-01.xml")
    assert api.put(f"Location/{loc['id']}", loc).status_code == 201
    stored = Organization.objects.get(name="St. Lucas Andreas Ziekenhuis")
    assert stored.type == "hospital"
    read = json.loads(api.get(f"Location/{loc['id']}").content)
    assert read["managingOrganization"]["reference"] == f"Organization/{org['id']}"
    pra = example("nl-core-HealthProfessional-Practitioner-01.xml")
    assert api.put(f"Practitioner/{pra['id']}", pra).status_code == 201
    # The 8-digit BIG number of the example fails the 11-digit rule: kept with the identity.
    pro = Professional.objects.get(family_name="Peters")
    assert pro.big_number == "" and pro.initials == "J.H.R."
    row = ResourceIdentity.objects.get(resource_type="Practitioner", logical_id=pra["id"])
    assert row.identifiers == [
        {"system": "http://fhir.nl/fhir/NamingSystem/big", "value": "21870932"}
    ]
    body = json.loads(api.get("Practitioner?identifier=21870932").content)
    assert body["total"] == 1


def test_network_directory_entries_are_linked_not_overwritten(api):
    existing = Organization.objects.create(
        name="Ziekenhuis Echt", type="hospital", agb_code="06010101"
    )
    resource = {
        "resourceType": "Organization",
        "id": "their-hospital",
        "name": "Anders genoemd",
        "identifier": [{"system": "http://fhir.nl/fhir/NamingSystem/agb-z", "value": "06010101"}],
    }
    response = api.put("Organization/their-hospital", resource)
    assert response.status_code == 201
    assert json.loads(response.content)["name"] == "Ziekenhuis Echt"
    existing.refresh_from_db()
    assert existing.name == "Ziekenhuis Echt"


def test_transaction_with_urn_uuid_references_is_all_or_nothing(api, practice):
    org_ref = f"Organization/{practice.pk}"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:0b1e5f1c-0000-4000-8000-000000000002",
                "resource": {
                    "resourceType": "PractitionerRole",
                    "practitioner": {"reference": "urn:uuid:0b1e5f1c-0000-4000-8000-000000000001"},
                    "organization": {"reference": org_ref},
                },
                "request": {"method": "POST", "url": "PractitionerRole"},
            },
            {
                "fullUrl": "urn:uuid:0b1e5f1c-0000-4000-8000-000000000001",
                "resource": {
                    "resourceType": "Practitioner",
                    "name": [{"family": "Jansen", "given": ["Anna"]}],
                },
                "request": {"method": "POST", "url": "Practitioner"},
            },
        ],
    }
    response = api.post("", bundle)
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["type"] == "transaction-response"
    assert [e["response"]["status"] for e in body["entry"]] == ["201 Created", "201 Created"]
    role = body["entry"][0]["resource"]
    assert role["practitioner"]["reference"] == f"Practitioner/{body['entry'][1]['resource']['id']}"
    # A failing entry rolls back every other one.
    before = Professional.objects.count()
    bundle["entry"][1]["resource"]["name"] = [{"given": ["zonder achternaam"]}]
    response = api.post("", bundle)
    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["issue"][0]["expression"] == ["Bundle.entry[1].resource.name.family"]
    assert Professional.objects.count() == before


def test_capability_statement_states_what_is_implemented(client):
    body = json.loads(client.get("/fhir/metadata").content)
    assert body["fhirVersion"] == "4.0.1" and body["kind"] == "instance"
    types = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert {"Patient", "Organization", "Location", "Practitioner", "PractitionerRole"} <= set(types)
    patient = types["Patient"]
    assert {i["code"] for i in patient["interaction"]} == {
        "read",
        "search-type",
        "create",
        "update",
    }
    assert "identifier" in {p["name"] for p in patient["searchParam"]}
    assert body["rest"][0]["security"]["extension"][0]["extension"][0]["valueUri"].endswith(
        "/fhir/auth/token"
    )
    assert client.get("/fhir/metadata?_format=xml").content.startswith(b"<?xml")


def test_searchset_and_operation_outcome_in_xml(api, practice):
    PatientFactory(gp_practice=practice)
    response = api.get("Patient?_format=xml&_count=1")
    assert response.status_code == 200
    assert b"<Bundle" in response.content and b"<total value=" in response.content
    from palliare.fhir.formats import parse_xml

    assert parse_xml(response.content)["entry"][0]["resource"]["resourceType"] == "Patient"
    error = api.get("Patient/does-not-exist", Accept="application/fhir+xml")
    assert error.status_code == 404 and b"<OperationOutcome" in error.content


def test_organization_last_updated(api, practice):
    body = json.loads(api.get("Organization?_lastUpdated=gt2000-01-01").content)
    assert body["total"] >= 1
    assert json.loads(api.get("Organization?_lastUpdated=lt2000-01-01").content)["total"] == 0
