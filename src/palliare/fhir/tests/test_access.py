"""Who may do what through the API: a client acts for its organisation under the same access
policy as a person (404 for a patient without a care relationship or consent), write scope is
needed to write (403), resources a client sends make its organisation a treating organisation,
and every interaction is in the access log with the client as actor."""

from __future__ import annotations

import json

import pytest

from palliare.audit.models import AuditEvent
from palliare.fhir.factories import make_client
from palliare.fhir.models import PatientContribution
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory
from palliare.patients.models import Patient

from .conftest import Api, example, outcome_keys

pytestmark = pytest.mark.django_db


def _hospital_api(scopes="system/*.read system/*.write"):
    org = OrganizationFactory(type=OrganizationType.HOSPITAL)
    client, token = make_client(scopes, organization=org, name="Ziekenhuis-EPD")
    return Api(token, client), org


def test_client_without_write_scope_cannot_write(reader):
    patient = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    response = reader.put(f"Patient/{patient['id']}", patient)
    assert response.status_code == 403
    assert outcome_keys(response) == ["insufficient-scope"]
    response = reader.post("Patient", patient)
    assert response.status_code == 403
    assert Patient.objects.count() == 0
    refused = AuditEvent.objects.get(event_type="fhir.update")
    assert refused.outcome == "denied" and refused.actor_client_id == reader.client.client_id


def test_client_without_read_scope_cannot_read(practice):
    client, token = make_client("system/Patient.write", organization=practice)
    api = Api(token, client)
    patient = PatientFactory(gp_practice=practice)
    assert api.get(f"Patient/{patient.pk}").status_code == 403
    assert api.get("Patient").status_code == 403


def test_other_organisation_without_relationship_gets_404(practice):
    patient = PatientFactory(gp_practice=practice)
    other, _org = _hospital_api()
    response = other.get(f"Patient/{patient.pk}")
    assert response.status_code == 404
    assert outcome_keys(response) == ["not-found"]
    assert json.loads(other.get("Patient").content)["total"] == 0
    denied = AuditEvent.objects.get(event_type="patient.access_denied")
    assert denied.patient_id == patient.pk and denied.actor_client_id == other.client.client_id


def test_care_team_organisation_reads_only_with_consent(practice):
    patient = PatientFactory(gp_practice=practice)
    other, org = _hospital_api()
    CareTeamMemberFactory(patient=patient, organization=org)
    assert other.get(f"Patient/{patient.pk}").status_code == 404
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    assert other.get(f"Patient/{patient.pk}").status_code == 200


def test_a_client_that_sends_a_patient_becomes_a_treating_organisation(api, practice):
    hospital, org = _hospital_api()
    resource = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    resource.pop("contact")
    resource["generalPractitioner"] = [{"reference": f"Organization/{practice.pk}"}]
    response = hospital.put(f"Patient/{resource['id']}", resource)
    assert response.status_code == 201, response.content
    assert PatientContribution.objects.filter(organization=org).exists()
    assert hospital.get(f"Patient/{resource['id']}").status_code == 200
    # ... and so are its professionals in the web application (same access policy).
    from palliare.accounts.actors import actor_for
    from palliare.accounts.factories import role
    from palliare.organizations.factories import MembershipFactory

    membership = MembershipFactory(organization=org, role=role("medical_specialist"))
    actor = actor_for(membership.professional.user, membership.pk)
    assert Patient.objects.visible_to(actor).filter(bsn="999911120").exists()


def test_a_known_bsn_of_another_practice_is_not_taken_over(practice):
    PatientFactory(gp_practice=practice, bsn="999911120")
    hospital, _org = _hospital_api()
    resource = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    resource.pop("contact")
    resource["generalPractitioner"] = [{"reference": f"Organization/{practice.pk}"}]
    response = hospital.put(f"Patient/{resource['id']}", resource)
    assert response.status_code == 409
    probe = AuditEvent.objects.get(event_type="patient.duplicate_registration")
    assert probe.outcome == "denied" and probe.actor_client_id == hospital.client.client_id
    assert hospital.get("Patient?identifier=999911120").status_code == 200
    assert json.loads(hospital.get("Patient?identifier=999911120").content)["total"] == 0


def test_every_interaction_is_logged_with_the_client_as_actor(api, practice):
    patient = PatientFactory(gp_practice=practice)
    api.get(f"Patient/{patient.pk}")
    api.get("Patient?gender=female")
    resource = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    resource.pop("contact")
    api.put(f"Patient/{resource['id']}", resource)
    events = AuditEvent.objects.filter(actor_client_id=api.client.client_id)
    kinds = set(events.values_list("event_type", flat=True))
    assert {"fhir.read", "fhir.search", "fhir.create", "patient.created"} <= kinds
    read = events.get(event_type="fhir.read")
    assert read.patient_id == patient.pk and read.actor_user_id is None
    assert read.organization_id == practice.pk
    search = events.get(event_type="fhir.search")
    assert f",{patient.pk}," in search.patient_ids
    from palliare.audit.services import verify_chain

    assert verify_chain().ok
