"""Encounters that are not ACP conversations are care contacts (``patients.CareContact``):
the Nictiz hospital stay without a patient loads and reads back equal in meaning (class,
status, period, participant, location, admit source, discharge disposition); without a patient
it is readable only by the sending organisation and never found through a patient search;
with a patient it goes through the patient access policy; a change is a new version; bad
input (a missing Location, an end before the start, an unknown class, a non-SNOMED admit
source) is refused with the element named and stores nothing; reads and writes are logged."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from palliare.audit.models import AuditEvent
from palliare.fhir.factories import make_client
from palliare.fhir.meaning import differences
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.models import CareContact, CareContactVersion

from .conftest import Api, example, outcome_keys, requires_careplans

pytestmark = [pytest.mark.django_db, requires_careplans]

ENCOUNTER = "nl-core-Encounter-01"
DIRECTORY = [
    "nl-core-Encounter-01-Organization-01.xml",
    "nl-core-Encounter-01-Location-01.xml",
    "nl-core-Encounter-01-Practitioner-01.xml",
    "nl-core-Encounter-01-PractitionerRole-01.xml",
]


def _put(api: Any, resource: dict[str, Any]) -> Any:
    return api.put(f"{resource['resourceType']}/{resource['id']}", resource)


@pytest.fixture
def directory(api: Any) -> Any:
    for name in DIRECTORY:
        response = _put(api, example(name))
        assert response.status_code in (200, 201), (name, response.content)
    return api


def _read(api: Any, logical_id: str = ENCOUNTER) -> Any:
    return api.get(f"Encounter/{logical_id}")


def test_a_hospital_stay_without_patient_loads_and_reads_back(directory):
    sent = example(f"{ENCOUNTER}.xml")
    response = _put(directory, sent)
    assert response.status_code == 201, response.content
    contact = CareContact.objects.get()
    assert contact.patient is None
    assert contact.sender_organization == directory.client.organization
    version = contact.current_version
    assert (version.contact_class, version.status) == ("IMP", "unknown")
    assert (str(version.start_date), str(version.end_date)) == ("2012-08-16", "2012-08-19")
    assert version.admit_source_code == "264362003"
    assert version.discharge_disposition_code == "22232009"
    assert version.location_organization is not None  # a location without address
    assert version.participant_professionals.count() + version.participant_memberships.count()

    read = json.loads(_read(directory).content)
    assert differences(sent, read) == {}
    assert "subject" not in read
    assert read["class"]["code"] == "IMP" and read["status"] == "unknown"
    assert read["period"] == {"start": "2012-08-16", "end": "2012-08-19"}
    assert read["location"][0]["location"]["reference"] == (
        "Location/nl-core-Encounter-01-Location-01"
    )
    assert read["participant"][0]["individual"]["reference"] == (
        "PractitionerRole/nl-core-Encounter-01-PractitionerRole-01"
    )
    assert read["hospitalization"]["admitSource"]["coding"][0]["code"] == "264362003"
    assert read["meta"]["profile"] == [
        "http://nictiz.nl/fhir/StructureDefinition/nl-core-Encounter"
    ]
    assert read["meta"]["versionId"] == "1"

    recorded = AuditEvent.objects.get(event_type="patients.care_contact_recorded")
    assert recorded.patient_id is None
    opened = AuditEvent.objects.filter(event_type="fhir.read").last()
    assert opened.subject_type == "patients.CareContact" and opened.patient_id is None


def test_without_patient_only_the_sending_organisation_reads_it(directory, reader):
    assert _put(directory, example(f"{ENCOUNTER}.xml")).status_code == 201
    assert _read(reader).status_code == 200  # same organisation, read scope
    other_org = OrganizationFactory(type=OrganizationType.HOSPITAL)
    _client, token = make_client(organization=other_org)
    other = Api(token)
    assert _read(other).status_code == 404
    assert AuditEvent.objects.filter(
        event_type="patients.care_contact_access_denied", outcome="denied"
    ).exists()
    # ... nor may another organisation change it.
    response = _put(other, example(f"{ENCOUNTER}.xml"))
    assert response.status_code == 403, response.content
    assert CareContactVersion.objects.count() == 1


def test_never_found_through_a_patient_search(directory):
    assert _put(directory, example(f"{ENCOUNTER}.xml")).status_code == 201
    patient = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    patient.pop("contact")
    assert _put(directory, patient).status_code == 201
    for query in (f"Encounter?patient=Patient/{patient['id']}", f"Encounter?_id={ENCOUNTER}"):
        body = json.loads(directory.get(query).content)
        ids = {e["resource"]["id"] for e in body.get("entry", [])}
        assert ENCOUNTER not in ids, query
    assert directory.get("Encounter").status_code == 400  # no server-wide scan


def test_with_a_patient_it_follows_the_patient_access_policy(directory):
    patient = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    patient.pop("contact")
    assert _put(directory, patient).status_code == 201
    sent = example(f"{ENCOUNTER}.xml")
    sent["id"] = "stay-with-patient"
    sent["subject"] = {"reference": f"Patient/{patient['id']}", "type": "Patient"}
    response = _put(directory, sent)
    assert response.status_code == 201, response.content
    contact = CareContact.objects.get()
    assert contact.patient is not None
    read = json.loads(_read(directory, "stay-with-patient").content)
    assert differences(sent, read) == {}
    opened = AuditEvent.objects.filter(event_type="fhir.read").last()
    assert opened.patient_id == contact.patient_id
    body = json.loads(directory.get(f"Encounter?patient=Patient/{patient['id']}").content)
    assert "stay-with-patient" in {e["resource"]["id"] for e in body["entry"]}
    # The IG's query 1b (ACP conversations) does not return it.
    body = json.loads(
        directory.get(
            f"Encounter?patient=Patient/{patient['id']}"
            "&reason-reference:Procedure.code=http://snomed.info/sct|713603004"
        ).content
    )
    assert body["total"] == 0
    other_org = OrganizationFactory(type=OrganizationType.HOSPITAL)
    _client, token = make_client(organization=other_org)
    assert _read(Api(token), "stay-with-patient").status_code == 404


def test_a_change_is_a_new_version_and_nothing_is_overwritten(directory):
    sent = example(f"{ENCOUNTER}.xml")
    assert _put(directory, sent).status_code == 201
    assert _put(directory, sent).status_code == 200
    assert CareContactVersion.objects.count() == 1  # unchanged: no new version
    changed = copy.deepcopy(sent)
    changed["status"] = "finished"
    response = _put(directory, changed)
    assert response.status_code == 200, response.content
    assert [v.status for v in CareContactVersion.objects.order_by("number")] == [
        "unknown",
        "finished",
    ]
    read = json.loads(_read(directory).content)
    assert read["status"] == "finished" and read["meta"]["versionId"] == "2"


def _refused(api: Any, resource: dict[str, Any], key: str, expression: str) -> None:
    before = (CareContact.objects.count(), CareContactVersion.objects.count())
    response = _put(api, resource)
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == [key]
    issue = json.loads(response.content)["issue"][0]
    assert issue["expression"] == [expression]
    assert issue["details"]["text"] and issue["diagnostics"]
    assert (CareContact.objects.count(), CareContactVersion.objects.count()) == before


def test_bad_input_is_refused_with_the_element_named(directory):
    base = example(f"{ENCOUNTER}.xml")

    missing_location = copy.deepcopy(base)
    missing_location["location"][0]["location"]["reference"] = "Location/nowhere"
    _refused(directory, missing_location, "reference-not-found", "Encounter.location[0].location")

    backwards = copy.deepcopy(base)
    backwards["period"] = {"start": "2012-08-19", "end": "2012-08-16"}
    _refused(directory, backwards, "contact-end_date", "Encounter.period.end")

    unknown_class = copy.deepcopy(base)
    unknown_class["class"]["code"] = "XYZ"
    _refused(directory, unknown_class, "contact-contact_class", "Encounter.class")

    not_snomed = copy.deepcopy(base)
    not_snomed["hospitalization"]["admitSource"]["coding"][0]["system"] = "http://example.org"
    _refused(directory, not_snomed, "contact-code-system", "Encounter.hospitalization.admitSource")

    missing_role = copy.deepcopy(base)
    missing_role["participant"][0]["individual"]["reference"] = "PractitionerRole/nobody"
    _refused(directory, missing_role, "reference-not-found", "Encounter.participant[0].individual")

    missing_patient = copy.deepcopy(base)
    missing_patient["subject"] = {"reference": "Patient/nobody"}
    _refused(directory, missing_patient, "reference-not-found", "Encounter.subject")


def test_encounter_search_does_not_query_per_contact(
    api: Any, practice: Any, make_actor: Any
) -> None:
    """A page of care contacts: patient, participants and location references are resolved
    for all contacts at once."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palliare.accounts.permissions import RoleCode
    from palliare.organizations.factories import LocationFactory, MembershipFactory
    from palliare.patients.factories import PatientFactory
    from palliare.patients.services.contacts import ContactData, record_care_contact

    gp = make_actor(RoleCode.GP, organization=practice)
    patient = PatientFactory(gp_practice=practice, marked=True)

    def add(n: int) -> None:
        for _ in range(n):
            data = ContactData(
                contact_class="AMB",
                status="finished",
                start_date=dt.date(2024, 3, 1),
                memberships=[MembershipFactory(organization=practice)],
                location=LocationFactory(organization=practice),
            )
            record_care_contact(gp, patient=patient, data=data)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"Encounter?patient=Patient/{patient.pk}")
            assert response.status_code == 200
        shown.append(len(response.json().get("entry", [])))
        return len(captured.captured_queries)

    shown: list[int] = []
    add(2)
    few = queries()
    add(5)
    assert queries() == few
    assert shown == [2, 7]
