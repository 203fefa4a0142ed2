"""An independent FHIR client (SMART's ``fhirclient``, R4 models) drives a running server
(pytest-django ``live_server``): discovery of the token endpoint from the CapabilityStatement,
the client-credentials grant, create, update-as-create, read and search. Parsing our answers
with fhirclient's R4 models also checks that we emit R4, not R4B."""

from __future__ import annotations

import pytest
from fhirclient import client as smart_client
from fhirclient.auth import FHIRAuth
from fhirclient.models import bundle as fc_bundle
from fhirclient.models import organization as fc_organization
from fhirclient.models import patient as fc_patient
from fhirclient.server import FHIRNotFoundException

from palliare.fhir.auth import create_api_client
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory, PostcodeAreaFactory

from .conftest import example

pytestmark = pytest.mark.django_db(transaction=True)


def _connect(live_server, scopes="system/*.read system/*.write", org=None):
    org = org or OrganizationFactory(type=OrganizationType.GP_PRACTICE, agb_code="01999901")
    api_client, secret = create_api_client("fhirclient-test", org, scopes)
    smart = smart_client.FHIRClient(
        settings={
            "app_id": api_client.client_id,
            "api_base": f"{live_server.url}/fhir/",
        }
    )
    server = smart.server
    capability = server.capabilityStatement
    assert capability.fhirVersion == "4.0.1"
    state: dict[str, str] = {}
    FHIRAuth.from_capability_security(capability.rest[0].security, state=state)
    token = server.post_as_form(
        state["token_uri"],
        {"grant_type": "client_credentials", "scope": scopes},
        auth=(api_client.client_id, secret),
    ).json()["access_token"]
    server.session.headers["Authorization"] = f"Bearer {token}"
    return server, org


def test_fhirclient_create_update_read_search(live_server):
    PostcodeAreaFactory(pc4="3011")
    server, practice = _connect(live_server)
    data = example("Patient-P2-ACP-Patient-SamiraVanDerSluijs.json")
    data.pop("contact", None)
    patient = fc_patient.Patient(data)
    # update-as-create with the client's id
    result = patient.update(server)
    assert result["id"] == data["id"]
    read = fc_patient.Patient.read(data["id"], server)
    assert read.name[0].family == "van der Sluijs"
    assert read.birthDate.isostring == "1959-07-31"
    assert read.generalPractitioner[0].reference == f"Organization/{practice.pk}"
    # change through fhirclient and read again
    read.telecom[0].value = "0612345678"
    read.update(server)
    assert fc_patient.Patient.read(data["id"], server).telecom[0].value == "0612345678"
    # search by BSN with a token (system|code)
    search = fc_patient.Patient.where(
        struct={"identifier": "http://fhir.nl/fhir/NamingSystem/bsn|999998298"}
    )
    found = search.perform_resources(server)
    assert [p.id for p in found] == [data["id"]]
    bundle = search.perform(server)
    assert isinstance(bundle, fc_bundle.Bundle) and bundle.total == 1
    # create (POST) of a directory entry
    org = fc_organization.Organization(example("nl-core-Encounter-01-Organization-01.xml"))
    org.id = None
    created = org.create(server)
    assert created["name"] == "St. Lucas Andreas Ziekenhuis"
    with pytest.raises(FHIRNotFoundException):
        fc_patient.Patient.read("does-not-exist", server)


def test_fhirclient_without_write_scope_is_refused(live_server):
    from fhirclient.server import FHIRPermissionDeniedException

    server, _org = _connect(live_server, scopes="system/*.read")
    data = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    data.pop("contact")
    with pytest.raises(FHIRPermissionDeniedException) as error:
        fc_patient.Patient(data).update(server)
    assert error.value.response.json()["resourceType"] == "OperationOutcome"
