"""SMART Backend Services style authorisation: creating clients, the client-credentials token
endpoint, bearer tokens (missing, unknown, expired), scopes and the SMART configuration."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from palliare.audit.models import AuditEvent
from palliare.fhir.models import AccessToken, ApiClient
from palliare.fhir.scopes import ScopeSet

pytestmark = pytest.mark.django_db


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_create_api_client_prints_credentials_and_stores_only_a_hash(practice):
    out = io.StringIO()
    call_command(
        "create_api_client",
        "--name",
        "HIS Test",
        "--organization",
        "01999901",
        "--scopes",
        "system/*.read system/*.write",
        stdout=out,
    )
    creds = json.loads(out.getvalue())
    client = ApiClient.objects.get(client_id=creds["client_id"])
    assert client.organization == practice
    assert creds["client_secret"] not in client.secret_hash
    assert client.scopes == "system/*.read system/*.write"


def test_create_api_client_refuses_unknown_organisation_and_bad_scopes(practice):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_client", "--name", "X", "--organization", "99999999")
    with pytest.raises(CommandError):
        call_command(
            "create_api_client",
            "--name",
            "X",
            "--organization",
            "01999901",
            "--scopes",
            "user/*.read",
        )


def _credentials(practice, scopes="system/*.read system/*.write"):
    out = io.StringIO()
    call_command(
        "create_api_client",
        "--name",
        "HIS Test",
        "--organization",
        practice.agb_code,
        "--scopes",
        scopes,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_token_with_basic_and_post_credentials(client, practice):
    creds = _credentials(practice)
    response = client.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic(creds["client_id"], creds["client_secret"]),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    assert "no-store" in response["Cache-Control"].split(", ")
    response = client.post("/fhir/auth/token", {"grant_type": "client_credentials", **creds})
    assert response.status_code == 200
    assert AccessToken.objects.count() == 2
    assert (
        AuditEvent.objects.filter(
            event_type="fhir.token_issued", actor_client_id=creds["client_id"]
        ).count()
        == 2
    )


def test_token_refused_for_wrong_secret_and_grant(client, practice):
    creds = _credentials(practice)
    response = client.post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "client_id": creds["client_id"],
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    response = client.post("/fhir/auth/token", {"grant_type": "password", **creds})
    assert response.json()["error"] == "unsupported_grant_type"
    assert AuditEvent.objects.filter(event_type="fhir.token_refused").exists()


def test_requested_scope_narrows_the_token(client, practice):
    creds = _credentials(practice)
    response = client.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials", "scope": "system/Patient.read", **creds},
    )
    assert response.json()["scope"] == "system/Patient.read"
    response = client.post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "scope": "system/Patient.write",
            **_credentials(practice, "system/*.read"),
        },
    )
    assert response.json()["error"] == "invalid_scope"


def test_missing_unknown_and_expired_tokens_get_401(client, api):
    assert client.get("/fhir/Patient").status_code == 401
    response = client.get("/fhir/Patient", HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"
    AccessToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api.get("Patient").status_code == 401


def test_deactivated_client_loses_access(api):
    ApiClient.objects.update(is_active=False)
    assert api.get("Patient").status_code == 401


def test_smart_configuration_names_the_token_endpoint(client):
    body = client.get("/fhir/.well-known/smart-configuration").json()
    assert body["token_endpoint"] == "http://testserver/fhir/auth/token"
    assert "client_credentials" in body["grant_types_supported"]


@pytest.mark.parametrize(
    ("scopes", "type_", "access", "allowed"),
    [
        ("system/*.read", "Patient", "read", True),
        ("system/*.read", "Patient", "write", False),
        ("system/Patient.write", "Patient", "write", True),
        ("system/Patient.write", "Consent", "write", False),
        ("system/*.rs", "Consent", "read", True),
        ("system/*.cud", "Consent", "write", True),
        ("system/*.*", "Goal", "write", True),
        ("patient/*.read", "Patient", "read", False),
    ],
)
def test_scope_parsing(scopes, type_, access, allowed):
    assert ScopeSet.parse(scopes).allows(type_, access) is allowed
