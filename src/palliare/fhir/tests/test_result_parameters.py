"""Issue 20, missing interactions: ``_sort``, ``_summary`` (true, count, data), ``_elements`` and
``_revinclude`` (Consent:patient). What a type does not support is a 400 under strict handling
and ignored-and-reported otherwise; reduced resources are tagged SUBSETTED."""

from __future__ import annotations

import json
from typing import Any

import pytest

from palliare.audit.models import AuditEvent

from .conftest import Api, outcome_keys, requires_careplans
from .test_conditions import problem
from .test_keeps_what_it_is_given import CPR, HENDRIK, hendrik  # noqa: F401

pytestmark = [pytest.mark.django_db, requires_careplans]
STRICT = {"Prefer": "handling=strict"}


def _body(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    data: dict[str, Any] = json.loads(response.content)
    return data


def _ids(body: dict[str, Any], mode: str = "match") -> list[str]:
    return [
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in body.get("entry", [])
        if e["search"]["mode"] == mode
    ]


def test_sort_by_id_and_last_updated(hendrik):  # noqa: F811
    for name in ("repro-b", "repro-a", "repro-c"):
        assert hendrik.put(f"Condition/{name}", problem(name)).status_code == 201
    base = f"Condition?patient={HENDRIK}&identifier=urn:oid:2.16.840.1.113883.2.4.3.11.999.1|P-77"
    assert _ids(_body(hendrik.get(f"{base}&_sort=_id", **STRICT))) == [
        "Condition/repro-a",
        "Condition/repro-b",
        "Condition/repro-c",
    ]
    assert _ids(_body(hendrik.get(f"{base}&_sort=-_id", **STRICT)))[0] == "Condition/repro-c"
    newest = _ids(_body(hendrik.get(f"{base}&_sort=-_lastUpdated", **STRICT)))
    assert newest[0] == "Condition/repro-c"
    response = hendrik.get(f"{base}&_sort=onset", **STRICT)
    assert response.status_code == 400
    assert outcome_keys(response) == ["bad-parameter"]
    lenient = _body(hendrik.get(f"{base}&_sort=onset"))
    assert [e for e in lenient["entry"] if e["search"]["mode"] == "outcome"]


def test_sort_on_the_directory_and_the_register(hendrik, practice):  # noqa: F811
    from palliare.organizations.factories import OrganizationFactory

    OrganizationFactory(name="Aaa zorg")
    OrganizationFactory(name="Zzz zorg")
    names = [e["resource"]["name"] for e in _body(hendrik.get("Organization?_sort=-name"))["entry"]]
    assert names == sorted(names, reverse=True)
    assert _body(hendrik.get("Patient?_sort=family,-birthdate", **STRICT))["total"] >= 1


def test_summary_count_true_data_and_elements(hendrik):  # noqa: F811
    body = _body(hendrik.get(f"Consent?patient={HENDRIK}&_summary=count", **STRICT))
    assert body["total"] >= 1 and "entry" not in body
    body = _body(hendrik.get(f"Consent?patient={HENDRIK}&_summary=true", **STRICT))
    consent = body["entry"][0]["resource"]
    assert "policy" not in consent  # not a summary element of Consent (provision is)
    assert "provision" in consent
    assert {"status", "scope", "patient"} <= set(consent)
    assert {"code": "SUBSETTED"}.items() <= consent["meta"]["tag"][-1].items()
    body = _body(hendrik.get(f"Consent?patient={HENDRIK}&_elements=provision", **STRICT))
    assert set(body["entry"][0]["resource"]) == {"resourceType", "id", "meta", "provision"}
    read = _body(hendrik.get(f"Consent/{CPR}?_elements=status,dateTime", **STRICT))
    assert set(read) == {"resourceType", "id", "meta", "status", "dateTime"}
    read = _body(hendrik.get(f"Consent/{CPR}?_summary=true"))
    assert "policy" not in read
    full = _body(hendrik.get(f"Consent/{CPR}"))
    assert "policy" in full and "tag" not in full["meta"]
    for url in (
        f"Consent?patient={HENDRIK}&_elements=nonsense",
        f"Consent?patient={HENDRIK}&_summary=text",
        f"Consent/{CPR}?_elements=nonsense",
        f"Consent/{CPR}?_summary=count",
    ):
        response = hendrik.get(url, **STRICT)
        assert response.status_code == 400, url
        assert outcome_keys(response) == ["bad-parameter"]


def test_revinclude_consents_of_the_patients_found(hendrik):  # noqa: F811
    pid = HENDRIK.split("/")[1]
    before = AuditEvent.objects.filter(event_type="fhir.search").count()
    body = _body(hendrik.get(f"Patient?_id={pid}&_revinclude=Consent:patient", **STRICT))
    assert _ids(body) == [HENDRIK]
    assert f"Consent/{CPR}" in _ids(body, "include")
    # The Consent search opened the patient again through the access policy, and logged it.
    assert AuditEvent.objects.filter(event_type="fhir.search").count() >= before + 2
    response = hendrik.get(f"Patient?_id={pid}&_revinclude=Provenance:target", **STRICT)
    assert response.status_code == 400
    # A client that may not read Consents gets none.
    from palliare.fhir.factories import make_client

    _c, token = make_client("system/Patient.read", organization=hendrik.client.organization)
    narrow = Api(token)
    body = _body(narrow.get(f"Patient?_id={pid}&_revinclude=Consent:patient"))
    assert _ids(body, "include") == []
