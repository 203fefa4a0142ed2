"""Issue 20, missing interactions: ``vread`` and instance ``_history`` (a care-plan resource's
versions are the plan's versions in which it changed; a problem's and a care contact's are
their own), ``delete`` where the domain allows it (a problem: withdrawn as a new version, never
erased; 405 elsewhere). Every read of history writes its NEN 7513 row and checks access."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from palliare.audit.models import AuditEvent
from palliare.patients.models import Problem, ProblemVersion

from .conftest import Api, example, outcome_keys, requires_careplans
from .test_conditions import problem
from .test_keeps_what_it_is_given import CPR, hendrik  # noqa: F401

pytestmark = [pytest.mark.django_db, requires_careplans]


def _body(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.content)
    return data


def _stranger() -> Api:
    from palliare.fhir.factories import make_client
    from palliare.organizations.factories import OrganizationFactory

    _c, token = make_client("system/*.read system/*.write", organization=OrganizationFactory())
    return Api(token)


def test_a_directive_has_versions_that_vread_and_history_return(hendrik):  # noqa: F811
    first = _body(hendrik.get(f"Consent/{CPR}"))
    v1 = first["meta"]["versionId"]
    changed = copy.deepcopy(example(f"Consent-{CPR}.json"))
    changed["provision"]["type"] = "deny"
    response = hendrik.put(f"Consent/{CPR}", changed, **{"If-Match": f'W/"{v1}"'})
    assert response.status_code == 200, response.content
    v2 = _body(response)["meta"]["versionId"]
    assert v2 != v1
    old = hendrik.get(f"Consent/{CPR}/_history/{v1}")
    assert old.status_code == 200, old.content
    assert _body(old)["provision"]["type"] == first["provision"]["type"]
    assert old["ETag"] == f'W/"{v1}"'
    assert _body(hendrik.get(f"Consent/{CPR}/_history/{v2}"))["provision"]["type"] == "deny"
    history = _body(hendrik.get(f"Consent/{CPR}/_history"))
    assert history["type"] == "history"
    versions = [e["resource"]["meta"]["versionId"] for e in history["entry"]]
    assert versions[:2] == [v2, v1]  # newest first
    assert history["entry"][-1]["request"]["method"] in ("POST", "PUT")
    # A stale If-Match is refused (412), nothing changes.
    response = hendrik.put(f"Consent/{CPR}", changed, **{"If-Match": f'W/"{v1}"'})
    assert response.status_code == 412
    assert outcome_keys(response) == ["version-conflict"]


def test_unknown_versions_and_ids_are_outcomes(hendrik):  # noqa: F811
    response = hendrik.get(f"Consent/{CPR}/_history/999")
    assert response.status_code == 404
    assert outcome_keys(response) == ["version-not-found"]
    assert hendrik.get("Consent/nope-nope/_history").status_code == 404
    assert hendrik.get(f"Consent/{CPR}/_history/abc").status_code == 404
    response = hendrik.get("Consent/_history")
    assert response.status_code == 405
    assert hendrik.get("_history").status_code == 405
    response = hendrik.get(f"Consent/{CPR}/_history?_count=x")
    assert response.status_code == 400


def test_history_and_vread_are_logged_and_access_checked(hendrik):  # noqa: F811
    version = _body(hendrik.get(f"Consent/{CPR}"))["meta"]["versionId"]
    for url, event in (
        (f"Consent/{CPR}/_history", "fhir.history"),
        (f"Consent/{CPR}/_history/{version}", "fhir.vread"),
    ):
        before = AuditEvent.objects.filter(event_type=event).count()
        assert hendrik.get(url).status_code == 200
        row = AuditEvent.objects.filter(event_type=event).order_by("pk").last()
        assert AuditEvent.objects.filter(event_type=event).count() == before + 1
        assert row is not None and row.patient_id is not None
        stranger = _stranger()
        assert stranger.get(url).status_code == 404
    assert hendrik.put("Condition/repro-problem-hf", problem()).status_code == 201
    for url, event in (
        ("Condition/repro-problem-hf/_history", "fhir.history"),
        ("Condition/repro-problem-hf/_history/1", "fhir.vread"),
    ):
        before = AuditEvent.objects.filter(event_type=event).count()
        assert hendrik.get(url).status_code == 200
        assert AuditEvent.objects.filter(event_type=event).count() == before + 1
        assert _stranger().get(url).status_code == 404


def test_a_problem_is_withdrawn_not_erased(hendrik):  # noqa: F811
    assert hendrik.put("Condition/repro-problem-hf", problem()).status_code == 201
    response = hendrik.http.delete(
        "/fhir/Condition/repro-problem-hf",
        HTTP_AUTHORIZATION=f"Bearer {hendrik.token}",
        HTTP_IF_MATCH='W/"7"',
    )
    assert response.status_code == 412
    response = hendrik.http.delete(
        "/fhir/Condition/repro-problem-hf", HTTP_AUTHORIZATION=f"Bearer {hendrik.token}"
    )
    assert response.status_code == 204, response.content
    assert Problem.objects.count() == 1 and ProblemVersion.objects.count() == 2
    assert AuditEvent.objects.filter(event_type="patients.problem_withdrawn").exists()
    assert AuditEvent.objects.filter(event_type="fhir.delete").exists()
    response = hendrik.get("Condition/repro-problem-hf")
    assert response.status_code == 410
    assert outcome_keys(response) == ["withdrawn"]
    assert _body(hendrik.get("Condition/repro-problem-hf/_history/1"))["code"]["text"]
    history = _body(hendrik.get("Condition/repro-problem-hf/_history"))
    assert [e["request"]["method"] for e in history["entry"]] == ["DELETE", "POST"]
    assert "resource" not in history["entry"][0]
    assert hendrik.get("Condition/repro-problem-hf/_history/2").status_code == 410
    found = _body(hendrik.get("Condition?patient=Patient/F1-ACP-Patient-HendrikHartman"))
    assert "repro-problem-hf" not in {e["resource"]["id"] for e in found.get("entry", [])}
    # Sent again, it is asserted again: a new version.
    assert hendrik.put("Condition/repro-problem-hf", problem()).status_code == 200
    assert _body(hendrik.get("Condition/repro-problem-hf"))["meta"]["versionId"] == "3"


def test_delete_is_refused_where_the_domain_has_no_withdrawal(hendrik):  # noqa: F811
    for url in (
        f"Consent/{CPR}",
        "Patient/F1-ACP-Patient-HendrikHartman",
        "Organization/1",
    ):
        response = hendrik.http.delete(f"/fhir/{url}", HTTP_AUTHORIZATION=f"Bearer {hendrik.token}")
        assert response.status_code == 405, (url, response.content)
        assert outcome_keys(response) == ["delete-not-supported"]
    assert _body(hendrik.get(f"Consent/{CPR}"))["id"] == CPR
    assert (
        _stranger()
        .http.delete("/fhir/Condition/nope", HTTP_AUTHORIZATION="Bearer nope")
        .status_code
        == 401
    )
