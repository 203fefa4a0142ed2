"""Issue 19 (hardening), the FHIR parts: no 500 on large bodies, a huge ``_page`` or ``POST
/fhir`` without the slash; no silent truncation or nonsense stored (a long name, gender
"banana", a birth date in 9999); bounded Bundles; ``If-Match`` honoured on every resource; the
practitioner on whose behalf a system acts recorded in the access log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from palliare.audit.models import AuditEvent
from palliare.fhir.constants import MAX_BUNDLE_ENTRIES
from palliare.fhir.formats import MAX_BODY_BYTES
from palliare.patients.models import Patient

from .conftest import example, outcome_keys

pytestmark = pytest.mark.django_db


def _patient(**extra: Any) -> dict[str, Any]:
    resource = example("Patient-F1-ACP-Patient-HendrikHartman.json")
    resource.pop("contact", None)
    resource.update(extra)
    return resource


# --- item 6: no 500s ------------------------------------------------------------------------


def _padded(size: int) -> bytes:
    """A valid Patient of about ``size`` bytes (whitespace padding)."""
    body = json.dumps(_patient()).encode()
    return body[:-1] + b" " * max(0, size - len(body)) + b"}"


def test_a_body_between_djangos_limit_and_ours_is_processed(api):
    response = api.put("Patient/F1-ACP-Patient-HendrikHartman", _padded(3_500_000))
    assert response.status_code == 201, response.content[:300]


def test_a_body_above_five_megabytes_is_a_413_outcome(api):
    response = api.put("Patient/F1-ACP-Patient-HendrikHartman", _padded(MAX_BODY_BYTES + 200_000))
    assert response.status_code == 413
    assert outcome_keys(response) == ["body-too-large"]
    assert not Patient.objects.exists()


def test_an_oversized_page_is_a_400_outcome(api):
    for page in ("99999999999999999999999", "10001"):
        response = api.get(f"Patient?_page={page}")
        assert response.status_code == 400, (page, response.content)
        assert outcome_keys(response) == ["bad-parameter"]


def test_post_to_the_base_without_slash_is_a_bundle_post(api):
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": _patient(),
                "request": {"method": "PUT", "url": "Patient/F1-ACP-Patient-HendrikHartman"},
            }
        ],
    }
    response = api.http.post(
        "/fhir",
        json.dumps(bundle),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["type"] == "transaction-response"
    response = api.http.get("/fhir", HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert response.status_code == 405
    assert outcome_keys(response) == ["method-not-allowed"]


# --- item 7: refuse, never truncate or guess ---------------------------------------------------


def test_a_name_longer_than_the_register_keeps_is_refused(api):
    long_name = "A" * 2_000_000
    resource = _patient(name=[{"use": "official", "family": long_name, "given": ["Hendrik"]}])
    response = api.put("Patient/F1-ACP-Patient-HendrikHartman", resource)
    assert response.status_code == 422, response.content[:300]
    assert outcome_keys(response) == ["too-long"]
    assert json.loads(response.content)["issue"][0]["expression"] == ["Patient.name.family"]
    assert not Patient.objects.exists()


def test_an_unknown_gender_is_refused(api):
    response = api.put("Patient/F1-ACP-Patient-HendrikHartman", _patient(gender="banana"))
    assert response.status_code in (400, 422), response.content
    assert not Patient.objects.exists()


@pytest.mark.parametrize("born", ["9999-01-01", "1066-10-14"])
def test_an_impossible_birth_date_is_refused(api, born):
    response = api.put("Patient/F1-ACP-Patient-HendrikHartman", _patient(birthDate=born))
    assert response.status_code == 422, response.content
    assert outcome_keys(response) == ["birthdate-implausible"]
    assert not Patient.objects.exists()


# --- item 8: bounded Bundles --------------------------------------------------------------------


def test_a_bundle_above_the_limit_is_refused_before_any_work(api):
    entries = [
        {"request": {"method": "GET", "url": "Patient/none"}}
        for _i in range(MAX_BUNDLE_ENTRIES + 1)
    ]
    logged = AuditEvent.objects.count()
    response = api.post("", {"resourceType": "Bundle", "type": "batch", "entry": entries})
    assert response.status_code == 413
    assert outcome_keys(response) == ["bundle-too-large"]
    assert AuditEvent.objects.count() <= logged + 1  # the refusal itself, not one per entry
    statement = json.loads(api.get("metadata").content)
    assert f"at most {MAX_BUNDLE_ENTRIES} entries" in statement["rest"][0]["documentation"]


# --- item 9: If-Match on every resource ---------------------------------------------------------


@pytest.fixture
def directive(api: Any) -> Any:
    from .test_keeps_what_it_is_given import CPR, F1, MISSING_PRACTITIONERS

    for resource in [MISSING_PRACTITIONERS[0], *(example(n) for n in F1)]:
        response = api.put(f"{resource['resourceType']}/{resource['id']}", resource)
        assert response.status_code in (200, 201), response.content
    return f"Consent/{CPR}"


def test_if_match_is_honoured_on_care_plan_resources(api, directive):
    from palliare.careplans.models import CarePlanVersion

    current = json.loads(api.get(directive).content)
    version = current["meta"]["versionId"]
    changed = example(f"{directive.replace('/', '-')}.json")
    changed["provision"]["type"] = "deny"
    versions = CarePlanVersion.objects.count()
    for stale in (f'W/"{int(version) - 1}"', 'W/"999"'):
        response = api.put(directive, changed, **{"If-Match": stale})
        assert response.status_code == 412, response.content
        assert outcome_keys(response) == ["version-conflict"]
    assert CarePlanVersion.objects.count() == versions
    assert json.loads(api.get(directive).content)["provision"]["type"] != "deny"
    response = api.put(directive, changed, **{"If-Match": f'W/"{version}"'})
    assert response.status_code == 200, response.content
    assert json.loads(api.get(directive).content)["provision"]["type"] == "deny"
    # If-Match on a resource that does not exist yet: 412, nothing created.
    goal = example("Goal-P2-ACP-Medical-Policy-Goal.json")
    goal["subject"] = {"reference": "Patient/F1-ACP-Patient-HendrikHartman"}
    response = api.put(f"Goal/{goal['id']}", goal, **{"If-Match": 'W/"1"'})
    assert response.status_code == 412, response.content


def test_if_match_is_honoured_on_directory_resources(api, directive):
    role = "PractitionerRole/F1-ACP-HealthProfessional-PractitionerRole-DrVanHuissen"
    body = example(f"{role.replace('/', '-')}.json")
    version = json.loads(api.get(role).content)["meta"]["versionId"]
    response = api.put(role, body, **{"If-Match": 'W/"999"'})
    assert response.status_code == 412, response.content
    response = api.put(role, body, **{"If-Match": f'W/"{version}"'})
    assert response.status_code in (200, 201), response.content


def test_if_match_in_a_bundle_entry(api, directive):
    changed = example(f"{directive.replace('/', '-')}.json")
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {
                "resource": changed,
                "request": {"method": "PUT", "url": directive, "ifMatch": 'W/"999"'},
            }
        ],
    }
    response = api.post("", bundle)
    assert response.status_code == 200
    assert json.loads(response.content)["entry"][0]["response"]["status"] == "412"


# --- item 3: on whose behalf ---------------------------------------------------------------------

UZI = "http://fhir.nl/fhir/NamingSystem/uzi-nr-pers|123456789"


def test_the_access_log_names_the_practitioner_or_says_none_was_given(api):
    assert api.put("Patient/F1-ACP-Patient-HendrikHartman", _patient()).status_code == 201
    patient = Patient.objects.get()
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = api.get("Patient/F1-ACP-Patient-HendrikHartman", **{"X-Request-On-Behalf-Of": UZI})
    assert response.status_code == 200
    row = AuditEvent.objects.filter(pk__gt=since, patient_id=patient.pk).get()
    assert row.event_type == "fhir.read"
    assert row.actor_client_id == api.client.client_id
    assert row.on_behalf_of_name == UZI
    since = row.pk
    assert api.get("Patient/F1-ACP-Patient-HendrikHartman").status_code == 200
    row = AuditEvent.objects.filter(pk__gt=since, patient_id=patient.pk).get()
    assert row.on_behalf_of_name == "no practitioner given"
    # Writes through the care plan's service account carry it too.
    since = row.pk
    response = api.put(
        "Patient/F1-ACP-Patient-HendrikHartman",
        _patient(birthDate="1950-02-02"),
        **{"X-Request-On-Behalf-Of": UZI},
    )
    assert response.status_code == 200, response.content
    rows = AuditEvent.objects.filter(pk__gt=since)
    assert rows.exists()
    assert {r.on_behalf_of_name for r in rows} == {UZI}


def test_a_malformed_on_behalf_of_header_is_refused(api):
    response = api.get("metadata")
    assert "X-Request-On-Behalf-Of" in json.dumps(json.loads(response.content))
    response = api.get("Patient?_id=1", **{"X-Request-On-Behalf-Of": "dr. Jansen <script>"})
    assert response.status_code == 400
    assert outcome_keys(response) == ["bad-on-behalf-of"]


def test_an_oversized_search_form_is_a_413_outcome(api):
    response = api.http.post(
        "/fhir/Patient/_search",
        "family=" + "x" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )
    assert response.status_code == 413, response.content[:300]
    assert outcome_keys(response) == ["form-too-large"]
