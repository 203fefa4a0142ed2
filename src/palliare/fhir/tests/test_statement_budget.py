"""The statement budget of the three FHIR requests issue 20 measures (read a Patient, find a
Patient by BSN, the IKNL ACP IG's Consent query with ``_include=Consent:actor``), asked by a
GP practice's client with a remembered token: each stays within a fixed number of SQL
statements, that number does not grow with the number of matching resources (1 and 20) or
with the size of the register, and each request still runs its access check and writes exactly
one access-log row (NEN 7513).

The access-log append is one statement on PostgreSQL and a savepoint around three statements on
SQLite (``audit.services.record``); the budgets count it as such, the rest alike on both."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palliare.audit.models import AuditEvent
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import Api, requires_careplans

pytestmark = [pytest.mark.django_db, requires_careplans]
#: Run with the token cache as configured: the budget is a request with a checked token.
REMEMBER_TOKENS = True

BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"
CONSENT_QUERY = (
    "&scope=http://terminology.hl7.org/CodeSystem/consentscope%7Ctreatment"
    "&category=http://snomed.info/sct%7C129125009&_include=Consent:actor&_count=200"
)

#: Statements besides the access-log append, per request.
BUDGET = {"read": 5, "identifier": 4, "consent": 6}


def _audit_statements() -> int:
    return 1 if connection.vendor == "postgresql" else 5  # SAVEPOINT, 3 statements, RELEASE


def _planned(practice: Any, n: int) -> list[Any]:
    from palliare.careplans.factories import CarePlanFactory

    return [
        CarePlanFactory(patient=PatientFactory(gp_practice=practice, marked=True)).patient
        for _ in range(n)
    ]


def _url(kind: str, patients: list[Any]) -> str:
    if kind == "read":
        return f"Patient/{patients[0].pk}"
    if kind == "identifier":
        values = ",".join(f"{BSN_SYSTEM}|{p.bsn}" for p in patients)
        return f"Patient?identifier={quote(values, safe='')}"
    return "Consent?patient=" + ",".join(f"Patient/{p.pk}" for p in patients) + CONSENT_QUERY


def _statements(reader: Api, url: str) -> tuple[int, int, Any]:
    """Statements of ``GET url`` (with the token already checked), the access-log rows it
    wrote, and its body."""
    rows = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = reader.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries), AuditEvent.objects.count() - rows, response.json()


@pytest.mark.parametrize("kind", ["read", "identifier", "consent"])
def test_a_request_stays_within_its_budget(reader: Api, practice: Any, kind: str) -> None:
    patients = _planned(practice, 1)
    assert reader.get("Organization").status_code == 200  # the token is checked once
    statements, logged, _body = _statements(reader, _url(kind, patients))
    assert logged == 1
    assert statements <= BUDGET[kind] + _audit_statements(), statements


@pytest.mark.parametrize("kind", ["identifier", "consent"])
def test_the_count_does_not_grow_with_the_matches(reader: Api, practice: Any, kind: str) -> None:
    patients = _planned(practice, 20)
    assert reader.get("Organization").status_code == 200
    one, logged_one, body_one = _statements(reader, _url(kind, patients[:1]))
    twenty, logged_twenty, body_twenty = _statements(reader, _url(kind, patients))
    assert (logged_one, logged_twenty) == (1, 1)  # one list event naming every patient shown
    shown = [e["resource"] for e in body_twenty["entry"]]
    assert {r["id"] for r in shown if r["resourceType"] == "Patient"} == {
        str(p.pk) for p in patients
    }
    assert len(body_twenty["entry"]) > len(body_one["entry"])
    assert twenty == one


@pytest.mark.parametrize("kind", ["read", "identifier", "consent"])
def test_the_count_does_not_grow_with_the_register(reader: Api, practice: Any, kind: str) -> None:
    patients = _planned(practice, 1)
    assert reader.get("Organization").status_code == 200
    small, _logged, _body = _statements(reader, _url(kind, patients))
    _planned(practice, 10)
    _planned(OrganizationFactory(), 10)
    assert reader.get("Organization").status_code == 200  # saving organisations forgets tokens
    large, _logged, _body = _statements(reader, _url(kind, patients))
    assert large == small


@pytest.mark.parametrize("kind", ["read", "identifier", "consent"])
def test_another_practice_sees_nothing(practice: Any, kind: str) -> None:
    """The access check stays on the cheaper path: a client of another GP practice finds no
    patient, and a refused read is logged."""
    from palliare.fhir.factories import make_client

    patients = _planned(practice, 1)
    _client, token = make_client("system/*.read", organization=OrganizationFactory())
    response = Api(token).get(_url(kind, patients))
    if kind == "read":
        assert response.status_code == 404
        assert AuditEvent.objects.filter(
            event_type="patient.access_denied", patient_id=patients[0].pk
        ).exists()
    else:
        assert response.status_code == 200
        assert not response.json().get("entry")
