"""The cheaper FHIR path (issue 20): a worker remembers a checked bearer token for
FHIR_TOKEN_CACHE_SECONDS, yet honours the token's expiry exactly and a revocation at once in
the process that made it (and within the cache time in any other); client secrets are hashed
with HMAC-SHA256 and an older PBKDF2 hash is replaced on its next successful use; every read
still runs its access check and writes its access-log row, in a bounded number of statements."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palliare.audit.models import AuditEvent
from palliare.fhir import auth
from palliare.fhir.models import AccessToken, ApiClient
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.factories import PatientFactory

from .conftest import Api, requires_careplans

pytestmark = pytest.mark.django_db
#: Run with the token cache as configured (the conftest switches it off elsewhere).
REMEMBER_TOKENS = True

BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"


def _token_lookups(captured: CaptureQueriesContext) -> int:
    return sum('"fhir_accesstoken"' in q["sql"] for q in captured.captured_queries)


def _get(api: Api, url: str) -> tuple[int, int]:
    """The status of ``GET url`` and how many statements read the token table."""
    with CaptureQueriesContext(connection) as captured:
        status = api.get(url).status_code
    return status, _token_lookups(captured)


def test_a_checked_token_is_not_looked_up_again(api):
    assert _get(api, "Patient") == (200, 1)
    assert _get(api, "Patient") == (200, 0)
    assert _get(api, "Organization") == (200, 0)


def test_without_a_cache_time_every_request_checks_the_token(api, settings):
    assert _get(api, "Patient") == (200, 1)  # remembered with the default time
    settings.FHIR_TOKEN_CACHE_SECONDS = 0
    assert _get(api, "Patient") == (200, 1)
    assert _get(api, "Patient") == (200, 1)


def test_the_cache_is_asked_again_after_its_time(api, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(auth, "_clock", lambda: clock[0])
    assert _get(api, "Patient") == (200, 1)
    clock[0] += auth.token_cache_seconds() - 0.5
    assert _get(api, "Patient") == (200, 0)
    clock[0] += 1
    assert _get(api, "Patient") == (200, 1)


def test_a_remembered_token_still_expires_on_time(api, monkeypatch):
    assert _get(api, "Patient") == (200, 1)
    expires = AccessToken.objects.get(client=api.client).expires_at
    monkeypatch.setattr(auth, "_now", lambda: expires + dt.timedelta(microseconds=1))
    assert _get(api, "Patient")[0] == 401


@pytest.mark.parametrize("how", ["client", "organisation", "token", "client deleted"])
def test_revocation_in_this_process_applies_at_once(api, how):
    assert api.get("Patient").status_code == 200
    client = ApiClient.objects.get(pk=api.client.pk)
    if how == "client":
        client.is_active = False
        client.save()
    elif how == "organisation":
        org = client.organization
        org.is_active = False
        org.save()
    elif how == "token":
        AccessToken.objects.get(client=client).delete()
    else:
        client.tokens.all().delete()
        client.delete()
    assert api.get("Patient").status_code == 401


def test_revocation_elsewhere_applies_within_the_cache_time(api, monkeypatch):
    """Another worker process does not see this one's signals: a change written without them
    (as from another process) is noticed when the remembered check runs out."""
    clock = [1000.0]
    monkeypatch.setattr(auth, "_clock", lambda: clock[0])
    assert api.get("Patient").status_code == 200
    ApiClient.objects.filter(pk=api.client.pk).update(is_active=False)  # no signal
    assert api.get("Patient").status_code == 200
    clock[0] += auth.token_cache_seconds()
    assert api.get("Patient").status_code == 401


def test_the_cache_is_bounded(api, monkeypatch):
    monkeypatch.setattr(auth, "TOKEN_CACHE_SIZE", 2)
    others = [Api(auth.issue_token(*_secret_client(api.client.organization), "")[0]) for _ in "ab"]
    for each in [api, *others]:
        assert each.get("Patient").status_code == 200
    assert len(auth._checked) <= 2


def test_requests_do_not_share_the_remembered_objects(api):
    first = auth.authenticate(_request(api.token))
    second = auth.authenticate(_request(api.token))
    assert first is not None and second is not None
    assert first.client == second.client
    assert first.client is not second.client
    assert first.client.organization is not second.client.organization


def _request(token: str) -> Any:
    from django.test import RequestFactory

    return RequestFactory().get("/fhir/Patient", HTTP_AUTHORIZATION=f"Bearer {token}")


def _secret_client(org: Any = None) -> tuple[str, str]:
    client, secret = auth.create_api_client("Geheim", org or OrganizationFactory(), "system/*.read")
    return client.client_id, secret


# --- client secrets -----------------------------------------------------------------------------


def _token_request(client: Any, client_id: str, secret: str) -> Any:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return client.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def test_a_new_secret_is_stored_as_hmac_and_works(client, practice):
    client_id, secret = _secret_client(practice)
    stored = ApiClient.objects.get(client_id=client_id).secret_hash
    assert stored.startswith("hmac-sha256$") and secret not in stored
    assert _token_request(client, client_id, secret).status_code == 200
    assert _token_request(client, client_id, secret + "x").status_code == 401
    assert _token_request(client, client_id, "").status_code == 401


def test_a_pbkdf2_hash_is_replaced_on_its_next_successful_use(client, practice):
    client_id, secret = _secret_client(practice)
    ApiClient.objects.filter(client_id=client_id).update(secret_hash=make_password(secret))
    assert _token_request(client, client_id, "wrong").status_code == 401
    legacy = ApiClient.objects.get(client_id=client_id).secret_hash
    assert not legacy.startswith(auth.SECRET_HASH_PREFIX)  # the password hasher's form
    assert _token_request(client, client_id, secret).status_code == 200
    stored = ApiClient.objects.get(client_id=client_id).secret_hash
    assert stored == auth.hash_client_secret(secret)
    assert _token_request(client, client_id, secret).status_code == 200


def test_a_secret_key_rotation_keeps_secrets_working(client, practice, settings):
    client_id, secret = _secret_client(practice)
    old = ApiClient.objects.get(client_id=client_id).secret_hash
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert _token_request(client, client_id, secret).status_code == 200
    new = ApiClient.objects.get(client_id=client_id).secret_hash
    assert new != old and new == auth.hash_client_secret(secret)
    settings.SECRET_KEY_FALLBACKS = []
    assert _token_request(client, client_id, secret).status_code == 200


# --- every read keeps its access check and its access-log row, in few statements ---------------


def test_every_read_writes_its_access_log_row_with_a_remembered_token(api, practice):
    patient = PatientFactory(gp_practice=practice)
    stranger = PatientFactory(gp_practice=OrganizationFactory())
    before = AuditEvent.objects.filter(patient_id=patient.pk).count()
    for _ in range(3):
        assert api.get(f"Patient/{patient.pk}").status_code == 200
    assert AuditEvent.objects.filter(patient_id=patient.pk).count() == before + 3
    # The access check still runs on each request: no care relationship, no patient.
    for _ in range(2):
        assert api.get(f"Patient/{stranger.pk}").status_code in (403, 404)


@requires_careplans
def test_statements_per_request_with_a_remembered_token(api, practice, settings):
    """A remembered token saves exactly the token check: each request runs one statement
    fewer than with the cache off (the audit write's statements differ between SQLite and
    PostgreSQL, so the count is compared, not fixed), and still writes its access-log row.
    On PostgreSQL: read 9, identifier search 7, the IG's Consent query with _include 14 (each
    with the received-resource lookups of decision 0040)."""
    from palliare.careplans.factories import CarePlanFactory

    plan = CarePlanFactory(patient=PatientFactory(gp_practice=practice, marked=True))
    patient = plan.patient
    identifier = quote(f"{BSN_SYSTEM}|{patient.bsn}", safe="")
    consent = (
        f"Consent?patient=Patient/{patient.pk}"
        "&scope=http://terminology.hl7.org/CodeSystem/consentscope%7Ctreatment"
        "&category=http://snomed.info/sct%7C129125009&_include=Consent:actor"
    )
    urls = [f"Patient/{patient.pk}", f"Patient?identifier={identifier}", consent]

    def statements(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    assert api.get("Organization").status_code == 200  # the token is checked once
    rows = AuditEvent.objects.count()
    remembered = [statements(url) for url in urls]
    assert AuditEvent.objects.count() == rows + 3
    settings.FHIR_TOKEN_CACHE_SECONDS = 0
    looked_up = [statements(url) for url in urls]
    assert AuditEvent.objects.count() == rows + 6
    assert remembered == [n - 1 for n in looked_up]
    if connection.vendor == "postgresql":
        assert remembered[0] <= 9 and remembered[1] <= 7, remembered
        assert remembered[2] <= 14, remembered
