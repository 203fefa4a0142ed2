"""Must show: every published example (IKNL ACP JSON, Nictiz nl-core XML) is loaded with PUT
under its own id, in an order in which references resolve, and reads back equal in meaning
(``palliare.fhir.meaning``), in JSON and in XML; the IG's seven searches and the form query
return the expected resources for the example patients.

None is refused: the ended treatment directive (Consent ``inactive``) reads back with its
status, end date and reason for ending, and the hospital stay without a patient
(nl-core-Encounter-01) as a care contact with its class, status, period, participant,
location and admission codes."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from fhirclient.models.fhirelementfactory import FHIRElementFactory

from palliare.fhir.formats import parse_xml
from palliare.fhir.interactions import _order
from palliare.fhir.meaning import differences

from .conftest import EXAMPLES, Api, outcome_keys, requires_careplans

pytestmark = [pytest.mark.django_db, requires_careplans]

#: The Practitioners the IKNL examples refer to but do not include (README): minimal ones.
MISSING_PRACTITIONERS = [
    {
        "resourceType": "Practitioner",
        "id": "F1-ACP-HealthProfessional-Practitioner-DrVanHuissen",
        "name": [
            {
                "use": "official",
                "family": "van Huissen",
                "_family": {
                    "extension": [
                        {
                            "url": "http://hl7.org/fhir/StructureDefinition/humanname-own-prefix",
                            "valueString": "van",
                        },
                        {
                            "url": "http://hl7.org/fhir/StructureDefinition/humanname-own-name",
                            "valueString": "Huissen",
                        },
                    ]
                },
            }
        ],
    },
    {
        "resourceType": "Practitioner",
        "id": "P2-ACP-HealthProfessional-Practitioner-DesireeWolters",
        "name": [{"use": "official", "family": "Wolters", "given": ["Desirée"]}],
    },
]
#: Examples refused on purpose (none: every published example can be loaded).
REFUSED: dict[str, str] = {}


def _examples() -> list[tuple[str, dict, bytes | None]]:
    found = []
    for path in sorted(EXAMPLES.rglob("*")):
        if path.suffix == ".json":
            found.append((path.name, json.loads(path.read_text()), None))
        elif path.suffix == ".xml":
            raw = path.read_bytes()
            found.append((path.name, parse_xml(raw), raw))
    return found


def load_all(api: Api) -> dict[str, tuple[dict, int]]:
    """PUT every example (XML ones as XML) in reference order; name → (resource, status)."""
    for practitioner in MISSING_PRACTITIONERS:
        response = api.put(f"Practitioner/{practitioner['id']}", practitioner)
        assert response.status_code in (200, 201), response.content
    examples = _examples()
    entries = [
        {
            "resource": data,
            "request": {"method": "PUT", "url": f"{data['resourceType']}/{data['id']}"},
        }
        for _n, data, _r in examples
    ]
    results = {}
    order = _order(entries)
    # The 0.1.3 form names its patient only by name and birth date: load it after the patients.
    order.sort(key=lambda i: examples[i][1]["resourceType"] == "QuestionnaireResponse")
    for index in order:
        name, data, raw = examples[index]
        url = f"{data['resourceType']}/{quote(data['id'])}"
        if raw is not None:
            response = api.put(url, raw, content_type="application/fhir+xml")
        else:
            response = api.put(url, data)
        results[name] = (data, response)
    return results


@pytest.fixture
def loaded(api):
    return load_all(api)


def test_every_example_loads_and_reads_back_equal_in_meaning(api, loaded):
    assert len(loaded) == len(_examples()) == 41
    problems = {}
    for name, (sent, response) in loaded.items():
        if name in REFUSED:
            assert response.status_code == 422, (name, response.content)
            assert REFUSED[name] in outcome_keys(response), name
            continue
        assert response.status_code in (200, 201), (name, response.content)
        url = f"{sent['resourceType']}/{quote(sent['id'])}"
        read = json.loads(api.get(url).content)
        assert read["id"] == sent["id"], name
        diff = differences(sent, read)
        if diff:
            problems[name] = diff
        assert read.get("meta", {}).get("profile"), name
        # What we emit is FHIR R4 (4.0.1): fhirclient's R4 models accept it strictly.
        FHIRElementFactory.instantiate(read["resourceType"], read)
        xml = api.get(url, Accept="application/fhir+xml")
        assert xml["Content-Type"].startswith("application/fhir+xml"), name
        assert not differences(sent, parse_xml(xml.content)), name
    assert problems == {}


def _search(api: Api, query: str) -> tuple[set[str], set[str]]:
    response = api.get(query)
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    FHIRElementFactory.instantiate("Bundle", body)  # an R4 searchset
    matches = {
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in body.get("entry", [])
        if e["search"]["mode"] == "match"
    }
    included = {
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in body.get("entry", [])
        if e["search"]["mode"] == "include"
    }
    assert body["total"] == len(matches) or body["total"] > len(matches)
    return matches, included


F1 = "Patient/F1-ACP-Patient-HendrikHartman"
P2 = "Patient/P2-ACP-Patient-SamiraVanDerSluijs"
SCT = "http://snomed.info/sct"


def test_the_guides_searches_find_the_example_resources(api, loaded):
    matches, included = _search(
        api, f"Procedure?patient={F1}&code={SCT}|713603004&_include=Procedure:encounter"
    )
    assert "Procedure/F1-ACP-Procedure-01-10-2020" in matches
    assert "Encounter/F1-ACP-Encounter-01-10-2020" in included
    matches, included = _search(
        api,
        f"Encounter?patient={F1}&reason-reference:Procedure.code={SCT}|713603004"
        "&_include=Encounter:reason-reference",
    )
    assert matches == {"Encounter/F1-ACP-Encounter-01-10-2020"}
    assert "Procedure/F1-ACP-Procedure-01-10-2020" in included
    matches, included = _search(
        api,
        f"Consent?patient={F1}&scope=http://terminology.hl7.org/CodeSystem/consentscope"
        f"|treatment&category={SCT}|129125009&_include=Consent:actor",
    )
    assert {
        "Consent/F1-ACP-TreatmentDirective-89666000",
        "Consent/F1-ACP-TreatmentDirective-32485007",
        "Consent/F1-ACP-TreatmentDirective-400231000146108",
    } <= matches
    assert {
        F1,
        "PractitionerRole/F1-ACP-HealthProfessional-PractitionerRole-DrVanHuissen",
    } <= included
    nictiz = "Patient/nl-core-Patient-01"
    matches, _included = _search(
        api,
        f"Consent?patient={nictiz}&scope=http://terminology.hl7.org/CodeSystem/"
        "consentscope|adr&category=http://terminology.hl7.org/CodeSystem/"
        "consentcategorycodes|acd&_include=Consent:actor",
    )
    assert matches == {"Consent/nl-core-TreatmentDirective2-01-Consent-01"}
    matches, _ = _search(api, f"Goal?patient={P2}&category={SCT}|713603004")
    assert matches == {"Goal/P2-ACP-Medical-Policy-Goal"}
    matches, _ = _search(
        api,
        f"Observation?patient={F1}&code={SCT}|153851000146100,395091006,340171000146104,"
        "247751003,570801000146104",
    )
    assert {
        "Observation/F1-ACP-SpecificCareWishes",
        "Observation/F1-ACP-OtherImportantInformation",
        "Observation/F1-ACP-PositionRegardingEuthanasia-Unknown",
        "Observation/F1-ACP-OrganDonationChoiceRegistration-Yes",
    } <= matches
    matches, _ = _search(api, f"Observation?patient={P2}&code={SCT}|395091006")
    assert matches == {"Observation/P2-ACP-PreferredPlaceOfDeath-20250807"}
    for device_query in (
        "device.type:in=https://api.iknl.nl/docs/pzp/r4/ValueSet/ACP-MedicalDeviceProductType-ICD",
        f"device.type={SCT}|72506001,465460004,468542000,704707009,1263462004,1236894001",
    ):
        matches, included = _search(
            api,
            f"DeviceUseStatement?patient={F1}&{device_query}&_include=DeviceUseStatement:device",
        )
        assert matches == {"DeviceUseStatement/F1-ACP-MedicalDevice-ICD"}
        assert included == {"Device/F1-ACP-MedicalDevice.Product-ICD"}
    patient_id = F1.split("/")[1]
    matches, _ = _search(api, f"CommunicationRequest?patient={patient_id}&category={SCT}|223449006")
    assert len(matches) == 1
    matches, _ = _search(
        api,
        f"QuestionnaireResponse?subject={F1}&questionnaire="
        "https://api.iknl.nl/docs/pzp/r4/Questionnaire/ACP-zib2020",
    )
    assert matches == {"QuestionnaireResponse/HendrikHartman-20201001"}


def test_acp_searches_need_a_patient(api, loaded):
    response = api.get(f"Consent?category={SCT}|129125009")
    assert response.status_code == 400
    assert outcome_keys(response) == ["patient-required"]


def test_another_organisation_sees_no_acp_resources(loaded):
    from palliare.fhir.factories import make_client
    from palliare.organizations.factories import OrganizationFactory

    client, token = make_client(organization=OrganizationFactory(type="hospital"))
    other = Api(token, client)
    body = json.loads(other.get(f"Consent?patient={F1}").content)
    assert body["total"] == 0
    assert other.get("Consent/F1-ACP-TreatmentDirective-89666000").status_code == 404
    assert other.get("QuestionnaireResponse/HendrikHartman-20201001").status_code == 404


def test_a_transaction_of_acp_resources_makes_one_plan_version(api):
    from palliare.careplans.models import CarePlanVersion

    patient = json.loads(
        (EXAMPLES / "acp-r4" / "Patient-F1-ACP-Patient-HendrikHartman.json").read_text()
    )
    patient.pop("contact")
    consent = json.loads(
        (EXAMPLES / "acp-r4" / "Consent-F1-ACP-TreatmentDirective-89666000.json").read_text()
    )
    observation = json.loads(
        (EXAMPLES / "acp-r4" / "Observation-F1-ACP-SpecificCareWishes.json").read_text()
    )
    for resource in (consent, observation):
        resource.pop("id")
        resource.pop("extension", None)
        resource.pop("performer", None)
        resource.pop("encounter", None)
        for key in ("patient", "subject"):
            if key in resource:
                resource[key] = {"reference": "urn:uuid:7d1f6c2e-0000-4000-8000-00000000000a"}
    consent["provision"]["actor"] = consent["provision"]["actor"][:1]
    consent["provision"]["actor"][0]["reference"] = {
        "reference": "urn:uuid:7d1f6c2e-0000-4000-8000-00000000000a"
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:7d1f6c2e-0000-4000-8000-00000000000{n}",
                "resource": r,
                "request": {"method": "POST", "url": r["resourceType"]},
            }
            for n, r in (("b", consent), ("c", observation))
        ]
        + [
            {
                "fullUrl": "urn:uuid:7d1f6c2e-0000-4000-8000-00000000000a",
                "resource": patient,
                "request": {"method": "PUT", "url": f"Patient/{patient['id']}"},
            }
        ],
    }
    response = api.post("", bundle)
    assert response.status_code == 200, response.content
    statuses = [e["response"]["status"] for e in json.loads(response.content)["entry"]]
    assert statuses == ["201 Created", "201 Created", "201 Created"]
    versions = CarePlanVersion.objects.filter(plan__patient__bsn="999911120")
    assert versions.count() == 1
    version = versions.get()
    assert version.author_organization_name == api.client.organization.name
    assert "Consent" in version.note and "Observation" in version.note
    limits = {r["treatment"]: r["decision"] for r in version.content["treatment_limits"]}
    assert limits["89666000"] == "0"


def test_a_resource_palliare_generated_can_be_updated_with_put(api, loaded):
    from palliare.careplans.models import CarePlan

    body = json.loads(api.get(f"Consent?patient={F1}&action={SCT}|40617009").content)
    consent = body["entry"][0]["resource"]
    assert consent["id"].startswith("acp-")  # from the form, not sent as a Consent
    consent["provision"]["type"] = "deny"
    response = api.put(f"Consent/{consent['id']}", consent)
    assert response.status_code == 200, response.content
    plan = CarePlan.objects.get(patient__bsn="999911120")
    limits = {
        r["treatment"]: r["decision"] for r in plan.current_version.content["treatment_limits"]
    }
    assert limits["40617009"] == "2"


def test_condition_is_the_registers_diagnosis_group_and_problems_sent(api, practice):
    from palliare.patients.factories import PatientFactory

    patient = PatientFactory(gp_practice=practice, marked=True)
    body = json.loads(api.get(f"Condition?patient=Patient/{patient.pk}").content)
    assert body["total"] == 1
    condition = body["entry"][0]["resource"]
    assert condition["code"]["text"] and condition["subject"]["reference"] == (
        f"Patient/{patient.pk}"
    )
    generated = condition.pop("id")
    condition.pop("meta")
    # Sent back, it is a problem of its own (decision 0035), kept as sent; the register's
    # diagnosis group itself stays read only.
    response = api.post("Condition", condition)
    assert response.status_code == 201, response.content
    assert json.loads(response.content)["code"] == condition["code"]
    assert api.put(f"Condition/{generated}", {**condition, "id": generated}).status_code == 405
    body = json.loads(api.get(f"Condition?patient=Patient/{patient.pk}").content)
    assert body["total"] == 2


ACP_TYPES = [
    "RelatedPerson",
    "Procedure",
    "Encounter",
    "Consent",
    "Goal",
    "Observation",
    "DeviceUseStatement",
    "Device",
    "CommunicationRequest",
    "Communication",
    "QuestionnaireResponse",
    "Condition",
]


def test_a_plan_made_in_the_web_application_exports_valid_acp_resources(api, practice):
    """Export side: every resource built from a plan saved through the care-plan pages is R4
    (fhirclient, strict), conforms to its own profile rules, and renders as XML."""
    from palliare.careplans.factories import CarePlanFactory, acp_content, ended_limit
    from palliare.fhir.validation.rules import profile_issues
    from palliare.patients.factories import PatientFactory

    plan = CarePlanFactory(
        patient=PatientFactory(gp_practice=practice, marked=True),
        version__content=acp_content(ended_limits=[ended_limit()]),
    )
    seen = set()
    statuses = set()
    for rtype in ACP_TYPES:
        body = json.loads(api.get(f"{rtype}?patient=Patient/{plan.patient_id}").content)
        for entry in body.get("entry", []):
            resource = entry["resource"]
            seen.add(rtype)
            statuses.add((rtype, resource.get("status")))
            FHIRElementFactory.instantiate(rtype, resource)
            errors = [i.text("en") for i in profile_issues(resource) if i.severity == "error"]
            assert errors == [], (rtype, errors)
            xml = api.get(f"{rtype}/{resource['id']}?_format=xml")
            assert xml.status_code == 200, (rtype, xml.content)
    assert seen >= {
        "RelatedPerson",
        "Procedure",
        "Encounter",
        "Consent",
        "Goal",
        "Observation",
        "CommunicationRequest",
        "QuestionnaireResponse",
        "Condition",
    }
    assert {("Consent", "active"), ("Consent", "inactive")} <= statuses


def test_patient_search_does_not_query_per_patient(api, practice):
    """The care plan's part of Patient (capacity, contacts) is loaded for a page at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palliare.careplans.factories import CarePlanFactory
    from palliare.patients.factories import PatientFactory

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("Patient?_count=50").status_code == 200
        return len(captured.captured_queries)

    for _ in range(2):
        CarePlanFactory(patient=PatientFactory(gp_practice=practice, marked=True))
    few = queries()
    for _ in range(6):
        CarePlanFactory(patient=PatientFactory(gp_practice=practice, marked=True))
    assert queries() == few


@pytest.mark.parametrize("resource_type", ["Organization", "Location", "PractitionerRole"])
def test_directory_search_does_not_query_per_result(api, resource_type):
    """References in a page of directory resources (partOf, managingOrganization,
    practitioner, organization) are resolved to logical ids for the whole page at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palliare.organizations.factories import (
        LocationFactory,
        MembershipFactory,
        OrganizationFactory,
    )

    parent = OrganizationFactory()

    def add(n: int) -> None:
        for _ in range(n):
            org = OrganizationFactory(parent=parent)
            LocationFactory(organization=org)
            MembershipFactory(organization=org)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"{resource_type}?_count=100")
            assert response.status_code == 200
        return len(captured.captured_queries)

    add(2)
    few = queries()
    add(6)
    assert queries() == few
