"""Palliare as a SMART on FHIR app launched by a HIS (SMART App Launch 2.x, EHR launch): the
HIS's SMART configuration, the authorisation request with PKCE, the code exchange, the OpenID
Connect id_token (who the user is) and the two FHIR reads the launch needs (the user's
Practitioner and the Patient in context).

Everything here talks to a registered HIS only (``HisSystem.issuer``), over HTTP with a short
timeout and a size limit; every failure is a :class:`LaunchError` with a message for the user.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 1_000_000
#: What Palliare asks the HIS for: the launch context, who the user is, and the patient.
SCOPE = "launch openid fhirUser patient/Patient.rs patient/Patient.read"
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "ES256", "ES384"]


class LaunchError(Exception):
    """The launch cannot go on; ``message`` is safe to show the user, ``detail`` is for the
    access log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(detail or message)
        self.message = message
        self.detail = detail or message


@dataclass(frozen=True)
class SmartConfiguration:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    issuer: str


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


def _request(url: str, *, data: dict[str, str] | None = None, token: str = "") -> Any:
    headers = {"Accept": "application/fhir+json, application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = urllib.parse.urlencode(data).encode("ascii") if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (registered HIS)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise LaunchError(
            "The GP information system refused a request from Palliare.",
            f"{url}: HTTP {exc.code}",
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LaunchError(
            "The GP information system could not be reached.", f"{url}: {exc}"
        ) from None
    if len(raw) > MAX_RESPONSE_BYTES:
        raise LaunchError("The GP information system sent too much data.", f"{url}: too large")
    try:
        return json.loads(raw)
    except ValueError:
        raise LaunchError(
            "The GP information system sent an answer Palliare cannot read.", f"{url}: not JSON"
        ) from None


def _same_origin_or_https(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("https", "http") and bool(parts.hostname)


def discover(issuer: str) -> SmartConfiguration:
    """The HIS's ``.well-known/smart-configuration``."""
    config = _request(f"{issuer.rstrip('/')}/.well-known/smart-configuration")
    try:
        endpoints = {
            name: str(config[name])
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        }
    except (KeyError, TypeError):
        raise LaunchError(
            "The GP information system does not announce SMART App Launch.",
            f"{issuer}: smart-configuration lacks an endpoint",
        ) from None
    if not all(_same_origin_or_https(url) for url in endpoints.values()):
        raise LaunchError("The GP information system announces invalid addresses.")
    return SmartConfiguration(issuer=str(config.get("issuer") or issuer), **endpoints)


def authorize_url(
    config: SmartConfiguration,
    *,
    client_id: str,
    redirect_uri: str,
    launch: str,
    state: str,
    nonce: str,
    pkce: Pkce,
    audience: str,
) -> str:
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "launch": launch,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "aud": audience,
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in config.authorization_endpoint else "?"
    return f"{config.authorization_endpoint}{separator}{query}"


@dataclass(frozen=True)
class LaunchContext:
    access_token: str
    patient_id: str
    fhir_user: str
    id_token_claims: dict[str, Any]


def exchange_code(
    config: SmartConfiguration,
    *,
    code: str,
    client_id: str,
    redirect_uri: str,
    verifier: str,
    nonce: str,
) -> LaunchContext:
    """Trade the authorisation code for a token with the launch context, and check the
    id_token (signature by the HIS's keys, audience, nonce, expiry)."""
    answer = _request(
        config.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    if not isinstance(answer, dict) or not answer.get("access_token"):
        raise LaunchError("The GP information system gave no access.", "token: no access_token")
    patient_id = answer.get("patient")
    if not isinstance(patient_id, str) or not patient_id:
        raise LaunchError(
            "The GP information system opened Palliare without a patient.", "token: no patient"
        )
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise LaunchError("The GP information system did not say who you are.", "no id_token")
    claims = verify_id_token(id_token, config=config, client_id=client_id, nonce=nonce)
    fhir_user = claims.get("fhirUser")
    if not isinstance(fhir_user, str) or not fhir_user:
        raise LaunchError("The GP information system did not say who you are.", "no fhirUser")
    return LaunchContext(str(answer["access_token"]), patient_id, fhir_user, claims)


def verify_id_token(
    id_token: str, *, config: SmartConfiguration, client_id: str, nonce: str
) -> dict[str, Any]:
    try:
        key = jwt.PyJWKClient(config.jwks_uri, timeout=TIMEOUT_SECONDS).get_signing_key_from_jwt(
            id_token
        )
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key.key,
            algorithms=ID_TOKEN_ALGORITHMS,
            audience=client_id,
            issuer=config.issuer,
            options={"require": ["iss", "sub", "aud", "exp"]},
            leeway=30,
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError) as exc:
        raise LaunchError(
            "Palliare could not check who you are in the GP information system.", f"id_token: {exc}"
        ) from None
    if claims.get("nonce") != nonce:
        raise LaunchError(
            "Palliare could not check who you are in the GP information system.", "nonce mismatch"
        )
    return claims


def read(issuer: str, reference: str, *, token: str, resource_type: str) -> dict[str, Any]:
    """Read ``reference`` (``Type/id`` or an absolute URL on the HIS) as ``resource_type``."""
    base = issuer.rstrip("/")
    url = reference if reference.startswith(base + "/") else f"{base}/{reference.lstrip('/')}"
    if not url.startswith(base + "/"):
        raise LaunchError("The GP information system pointed elsewhere.", f"foreign {reference}")
    resource = _request(url, token=token)
    if not isinstance(resource, dict) or resource.get("resourceType") != resource_type:
        raise LaunchError(
            "The GP information system sent an answer Palliare cannot read.",
            f"{reference}: not a {resource_type}",
        )
    return resource
