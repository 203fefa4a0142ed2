"""SMART Backend Services with asymmetric client authentication (``private_key_jwt``): a
client registered with its public keys signs a short-lived JWT, gets a token and reads; every
way an assertion can be wrong is refused with ``invalid_client`` and logged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.management import CommandError, call_command

from palliare.audit.models import AuditEvent
from palliare.fhir import client_assertion
from palliare.fhir.auth import create_api_client
from palliare.fhir.models import ApiClient, ClientAssertionUse

pytestmark = pytest.mark.django_db

TOKEN_URL = "http://testserver/fhir/auth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _rsa() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ec() -> Any:
    return ec.generate_private_key(ec.SECP384R1())


def _jwk(private_key: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.get_algorithm_by_name(alg)
    public = json.loads(algorithm.to_jwk(private_key.public_key()))
    return {**public, "kid": kid, "alg": alg, "use": "sig"}


def _assertion(
    private_key: Any,
    client_id: str,
    *,
    alg: str = "RS384",
    kid: str = "k1",
    aud: str = TOKEN_URL,
    lifetime: int = 240,
    **overrides: Any,
) -> str:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        **overrides,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, private_key, algorithm=alg, headers={"kid": kid})


def _token(client: Any, assertion: str, **extra: str) -> Any:
    return client.post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            **extra,
        },
    )


@pytest.fixture
def rsa_key() -> Any:
    return _rsa()


@pytest.fixture
def keyed_client(practice: Any, rsa_key: Any) -> ApiClient:
    client, secret = create_api_client(
        "HIS met sleutel",
        practice,
        "system/*.read",
        jwks={"keys": [_jwk(rsa_key, "k1", "RS384")]},
    )
    assert secret == ""
    return client


def test_rs384_assertion_gets_a_token_that_reads(client, keyed_client, rsa_key, postcodes):
    response = _token(client, _assertion(rsa_key, keyed_client.client_id))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "system/*.read"
    read = client.get("/fhir/Patient", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert read.status_code == 200
    assert AuditEvent.objects.filter(
        event_type="fhir.token_issued", actor_client_id=keyed_client.client_id
    ).exists()


def test_es384_assertion_with_a_registered_p384_key(client, practice):
    key = _ec()
    registered, _ = create_api_client(
        "HIS EC", practice, "system/*.read", jwks={"keys": [_jwk(key, "ec-1", "ES384")]}
    )
    response = _token(client, _assertion(key, registered.client_id, alg="ES384", kid="ec-1"))
    assert response.status_code == 200, response.content


def test_key_rotation_picks_the_key_by_kid(client, practice):
    old, new = _rsa(), _rsa()
    registered, _ = create_api_client(
        "HIS rotatie",
        practice,
        "system/*.read",
        jwks={"keys": [_jwk(old, "2025", "RS384"), _jwk(new, "2026", "RS384")]},
    )
    assert _token(client, _assertion(new, registered.client_id, kid="2026")).status_code == 200
    assert _token(client, _assertion(old, registered.client_id, kid="2025")).status_code == 200
    # Signed with the new key but naming the old one: refused.
    assert _token(client, _assertion(new, registered.client_id, kid="2025")).status_code == 401


def _refusal(response: Any) -> str:
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["error"] == "invalid_client"
    return str(body["error_description"])


def test_every_wrong_assertion_is_refused_and_logged(client, keyed_client, rsa_key):
    cid = keyed_client.client_id
    other = _rsa()
    cases = {
        "signed with another key": _assertion(other, cid),
        "expired": _assertion(rsa_key, cid, lifetime=-120),
        "exp too far ahead": _assertion(rsa_key, cid, lifetime=3600),
        "audience of another server": _assertion(rsa_key, cid, aud="https://elders.example/token"),
        "sub is not the client": _assertion(rsa_key, cid, sub="someone-else"),
        "unknown client": _assertion(rsa_key, "0" * 32),
        "no jti": _assertion(rsa_key, cid, jti=None),
        "unknown kid": _assertion(rsa_key, cid, kid="nope"),
        "RS256 instead of RS384": _assertion(rsa_key, cid, alg="RS256"),
        "not a JWT": "dit-is-geen-jwt",
    }
    reasons = {name: _refusal(_token(client, assertion)) for name, assertion in cases.items()}
    assert "expired" in reasons["expired"]
    assert "five minutes" in reasons["exp too far ahead"]
    assert "aud" in reasons["audience of another server"]
    assert "iss and sub" in reasons["sub is not the client"]
    assert "jti" in reasons["no jti"]
    assert "RS384 or ES384" in reasons["RS256 instead of RS384"]
    refused = AuditEvent.objects.filter(event_type="fhir.token_refused")
    assert refused.count() == len(cases)
    assert not ClientAssertionUse.objects.exists()


def test_unsigned_and_symmetric_tokens_are_refused(client, keyed_client):
    cid = keyed_client.client_id
    claims = {"iss": cid, "sub": cid, "aud": TOKEN_URL, "exp": int(time.time()) + 60, "jti": "x"}
    unsigned = jwt.encode(claims, None, algorithm="none")
    # HS384 keyed with the public key's text: the classic algorithm-confusion attack (built by
    # hand: PyJWT itself refuses to sign with a key that looks like a public key).
    signing_input = b".".join(
        base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=")
        for part in ({"alg": "HS384", "typ": "JWT", "kid": "k1"}, claims)
    )
    mac = hmac.new(json.dumps(keyed_client.jwks).encode(), signing_input, hashlib.sha384)
    confused = (signing_input + b"." + base64.urlsafe_b64encode(mac.digest()).rstrip(b"=")).decode()
    assert "not accepted" in _refusal(_token(client, unsigned))
    assert "not accepted" in _refusal(_token(client, confused))


def test_an_assertion_cannot_be_replayed(client, keyed_client, rsa_key):
    assertion = _assertion(rsa_key, keyed_client.client_id)
    assert _token(client, assertion).status_code == 200
    assert "used before" in _refusal(_token(client, assertion))


def test_wrong_assertion_type_is_a_bad_request(client, keyed_client, rsa_key):
    response = _token(
        client,
        _assertion(rsa_key, keyed_client.client_id),
        client_assertion_type="urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_keyed_client_has_no_secret_to_guess(client, keyed_client):
    response = client.post(
        "/fhir/auth/token",
        {
            "grant_type": "client_credentials",
            "client_id": keyed_client.client_id,
            "client_secret": "",
        },
    )
    assert response.status_code == 401


def test_inactive_client_is_refused(client, keyed_client, rsa_key):
    ApiClient.objects.filter(pk=keyed_client.pk).update(is_active=False)
    assert "Unknown or inactive" in _refusal(
        _token(client, _assertion(rsa_key, keyed_client.client_id))
    )


def test_keys_from_a_jwks_url(client, practice, monkeypatch):
    key = _rsa()
    registered, _ = create_api_client(
        "HIS met JWKS-URL", practice, "system/*.read", jwks_url="https://his.example/jwks.json"
    )
    fetched: list[str] = []

    def fetch_data(self: Any) -> dict[str, Any]:
        fetched.append(self.uri)
        return {"keys": [_jwk(key, "k1", "RS384")]}

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", fetch_data)
    client_assertion._jwks_clients.clear()
    assert _token(client, _assertion(key, registered.client_id)).status_code == 200
    assert fetched == ["https://his.example/jwks.json"]

    def unreachable(self: Any) -> dict[str, Any]:
        raise jwt.PyJWKClientConnectionError("connection refused")

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", unreachable)
    client_assertion._jwks_clients.clear()
    assert "could not be read" in _refusal(_token(client, _assertion(key, registered.client_id)))


def test_registration_refuses_private_or_unusable_keys(practice):
    key = _rsa()
    private = json.loads(jwt.get_algorithm_by_name("RS384").to_jwk(key))
    with pytest.raises(ValueError, match="private material"):
        create_api_client("X", practice, "system/*.read", jwks={"keys": [private]})
    with pytest.raises(ValueError, match="non-empty"):
        create_api_client("X", practice, "system/*.read", jwks={"keys": []})
    p256 = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(ValueError, match="P-384"):
        create_api_client("X", practice, "system/*.read", jwks={"keys": [_jwk(p256, "a", "ES256")]})
    with pytest.raises(ValueError, match="https"):
        create_api_client("X", practice, "system/*.read", jwks_url="http://his.example/jwks")
    assert not ApiClient.objects.exists()


def test_create_api_client_command_with_a_jwks_file(practice, tmp_path, rsa_key):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [_jwk(rsa_key, "k1", "RS384")]}))
    out = io.StringIO()
    call_command(
        "create_api_client",
        "--name",
        "HIS",
        "--organization",
        practice.agb_code,
        "--jwks-file",
        str(path),
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert printed["token_endpoint_auth_method"] == "private_key_jwt"
    assert "client_secret" not in printed
    assert ApiClient.objects.get(client_id=printed["client_id"]).secret_hash == ""
    path.write_text("{niet json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "create_api_client",
            "--name",
            "HIS",
            "--organization",
            practice.agb_code,
            "--jwks-file",
            str(path),
        )


def test_smart_configuration_announces_private_key_jwt(client):
    body = client.get("/fhir/.well-known/smart-configuration").json()
    assert body["token_endpoint_auth_methods_supported"][0] == "private_key_jwt"
    assert body["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]
    assert "client-confidential-asymmetric" in body["capabilities"]
