"""Issue 20 applied to the directory (decision 0022 §1): one id per directory entry, and the
status of an update is 200 whatever the entry stands for.

- An Organization with the AGB of an entry a client already named, or a Practitioner with the
  BIG number of one, under a second id is refused with 409 naming the first id; nothing is
  linked. An entry no client has named yet (made in the web application) takes the first
  client id it is sent under.
- A PUT to an existing PractitionerRole that stands for the professional (no organisation)
  answers 200, not 201.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from palliare.fhir.models import ResourceIdentity
from palliare.organizations.factories import OrganizationFactory
from palliare.organizations.models import Organization, Professional

from .conftest import example, outcome_keys
from .test_examples import MISSING_PRACTITIONERS

pytestmark = pytest.mark.django_db

AGB = "http://fhir.nl/fhir/NamingSystem/agb-z"
ROLE = "PractitionerRole-F1-ACP-HealthProfessional-PractitionerRole-DrVanHuissen.json"


def _put(api: Any, resource: dict[str, Any]) -> Any:
    return api.put(f"{resource['resourceType']}/{resource['id']}", resource)


def _organization(rid: str, agb: str, name: str = "Huisartsenpraktijk De Linde") -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": rid,
        "identifier": [{"system": AGB, "value": agb}],
        "name": name,
    }


def test_an_organization_with_a_known_agb_under_a_second_id_is_refused(api):
    assert _put(api, _organization("linde-1", "01234567")).status_code == 201
    org = Organization.objects.get(agb_code="01234567")
    response = _put(api, _organization("linde-2", "01234567", "Andere naam"))
    assert response.status_code == 409, response.content
    assert outcome_keys(response) == ["directory-id-taken"]
    assert "Organization/linde-1" in json.loads(response.content)["issue"][0]["diagnostics"]
    assert not ResourceIdentity.objects.filter(
        resource_type="Organization", logical_id="linde-2"
    ).exists()
    assert api.get("Organization/linde-2").status_code == 404
    assert json.loads(api.get("Organization/linde-1").content)["id"] == "linde-1"
    org.refresh_from_db()
    assert org.name == "Huisartsenpraktijk De Linde"
    posted = {k: v for k, v in _organization("x", "01234567").items() if k != "id"}
    response = api.post("Organization", posted)
    assert response.status_code == 409, response.content
    assert outcome_keys(response) == ["directory-id-taken"]
    assert _put(api, _organization("linde-1", "01234567")).status_code == 200


def test_an_entry_no_client_named_takes_the_first_client_id(api):
    org = OrganizationFactory(agb_code="07654321")
    response = _put(api, _organization("eik-1", "07654321", org.name))
    assert response.status_code in (200, 201), response.content
    assert json.loads(response.content)["id"] == "eik-1"
    response = _put(api, _organization("eik-2", "07654321", org.name))
    assert response.status_code == 409, response.content
    assert "Organization/eik-1" in json.loads(response.content)["issue"][0]["diagnostics"]


def test_a_practitioner_with_a_known_big_under_a_second_id_is_refused(api):
    first = copy.deepcopy(MISSING_PRACTITIONERS[0])
    first["identifier"] = [
        {"system": "http://fhir.nl/fhir/NamingSystem/big", "value": "19012345601"}
    ]
    assert _put(api, first).status_code in (200, 201)
    second = copy.deepcopy(first)
    second["id"] = "repro-same-big"
    response = _put(api, second)
    assert response.status_code == 409, response.content
    assert outcome_keys(response) == ["directory-id-taken"]
    assert f"Practitioner/{first['id']}" in json.loads(response.content)["issue"][0]["diagnostics"]
    assert api.get("Practitioner/repro-same-big").status_code == 404
    assert Professional.objects.filter(big_number="19012345601").count() == 1


def test_a_put_to_an_existing_role_without_organisation_answers_200(api):
    assert _put(api, MISSING_PRACTITIONERS[0]).status_code in (200, 201)
    role = example(ROLE)
    assert "organization" not in role
    assert _put(api, role).status_code == 201
    response = _put(api, role)
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["id"] == role["id"]
