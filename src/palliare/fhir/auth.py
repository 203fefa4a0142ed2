"""SMART Backend Services style authorisation: API clients, the client-credentials grant and
bearer tokens. A valid token yields an :class:`~palliare.accounts.actors.Actor` for the
client's organisation, so the same access policy and access log apply as for a person."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from palliare.accounts.actors import Actor
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose
from palliare.organizations.models import Organization

from . import client_assertion
from .models import AccessToken, ApiClient
from .scopes import ScopeSet


class TokenError(Exception):
    """An OAuth2 error (RFC 6749 §5.2): ``error`` code and a description."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def token_lifetime() -> int:
    return int(getattr(settings, "FHIR_TOKEN_SECONDS", 300))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_api_client(
    name: str,
    organization: Organization,
    scopes: str,
    *,
    jwks: dict[str, Any] | None = None,
    jwks_url: str = "",
) -> tuple[ApiClient, str]:
    """Register a client; returns it with its secret (shown once, stored hashed). A client
    registered with public keys (``jwks`` or ``jwks_url``) authenticates with
    ``private_key_jwt`` only and gets no secret (the empty string is returned)."""
    if not ScopeSet.valid(scopes) or not scopes.split():
        raise ValueError(f"invalid scopes: {scopes!r}")
    if jwks is not None and jwks_url:
        raise ValueError("register either a JWK Set or a JWKS URL, not both")
    problems = (
        client_assertion.validate_jwks(jwks)
        if jwks is not None
        else client_assertion.validate_jwks_url(jwks_url)
        if jwks_url
        else []
    )
    if problems:
        raise ValueError(" ".join(problems))
    asymmetric = jwks is not None or bool(jwks_url)
    secret = "" if asymmetric else secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        client_id=secrets.token_hex(16),
        name=name,
        organization=organization,
        secret_hash=make_password(secret) if secret else "",
        jwks=jwks,
        jwks_url=jwks_url,
        scopes=" ".join(scopes.split()),
    )
    audit.record(
        "fhir.client_created",
        actor=None,
        actor_name="manage.py create_api_client",
        action=AuditAction.CREATE,
        subject=client,
        purpose=AuditPurpose.ADMINISTRATION,
        details={
            "client_id": client.client_id,
            "scopes": client.scopes,
            "authentication": "private_key_jwt" if asymmetric else "client_secret",
        },
    )
    return client, secret


def client_credentials(request: HttpRequest) -> tuple[str, str]:
    """client_id and secret from HTTP Basic (client_secret_basic) or the form
    (client_secret_post)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise TokenError("invalid_client", "Malformed Basic authorization.", 401) from None
        client_id, _colon, secret = decoded.partition(":")
        return client_id, secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _refuse(client_id: str, description: str) -> TokenError:
    audit.record(
        "fhir.token_refused",
        actor=None,
        actor_name=(client_id or "?")[:64],
        action=AuditAction.EXECUTE,
        outcome=AuditOutcome.DENIED,
        purpose=AuditPurpose.SECURITY,
        details={"reason": description[:200]},
    )
    return TokenError("invalid_client", description, 401)


def issue_token(client_id: str, secret: str, requested_scope: str) -> tuple[str, AccessToken]:
    """A token for a client that authenticates with its secret."""
    client = (
        ApiClient.objects.select_related("organization").filter(client_id=client_id).first()
        if client_id
        else None
    )
    if (
        client is None
        or not client.is_active
        or not client.organization.is_active
        or not client.secret_hash
        or not check_password(secret, client.secret_hash)
    ):
        raise _refuse(client_id, "Unknown client or wrong secret.")
    return _grant(client, requested_scope)


def issue_token_for_assertion(
    assertion_type: str, assertion: str, requested_scope: str, *, token_url: str
) -> tuple[str, AccessToken]:
    """A token for a client that authenticates with a signed JWT (``private_key_jwt``)."""
    if assertion_type != client_assertion.ASSERTION_TYPE:
        raise TokenError(
            "invalid_request", f"client_assertion_type must be {client_assertion.ASSERTION_TYPE}."
        )
    try:
        client = client_assertion.verify(assertion, token_url=token_url)
    except client_assertion.AssertionRefused as exc:
        raise _refuse(exc.client_id, exc.reason) from None
    return _grant(client, requested_scope)


def _grant(client: ApiClient, requested_scope: str) -> tuple[str, AccessToken]:
    granted = ScopeSet.parse(client.scopes)
    if requested_scope.strip():
        if not ScopeSet.valid(requested_scope):
            raise TokenError("invalid_scope", "Only system/ scopes can be requested.")
        granted = granted.narrowed(requested_scope)
        if not granted.grants:
            raise TokenError("invalid_scope", "None of the requested scopes is granted.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        row = _store_token(client, token, granted, now)
    return token, row


def _store_token(client: ApiClient, token: str, granted: ScopeSet, now: dt.datetime) -> AccessToken:
    row = AccessToken.objects.create(
        token_hash=_digest(token),
        client=client,
        scopes=granted.text(),
        issued_at=now,
        expires_at=now + dt.timedelta(seconds=token_lifetime()),
    )
    audit.record(
        "fhir.token_issued",
        actor=actor_for_client(client, granted),
        action=AuditAction.EXECUTE,
        purpose=AuditPurpose.SECURITY,
        details={"scope": row.scopes},
    )
    return row


#: The access log's "on behalf of" when a client names no practitioner.
NO_PRACTITIONER = "no practitioner given"
#: The request header naming the practitioner a system acts for: ``<system>|<value>``, an
#: identifier of the person (UZI, BIG, AGB or the sender's own naming system).
ON_BEHALF_OF_HEADER = "X-Request-On-Behalf-Of"
_ON_BEHALF_OF = re.compile(
    r"^(?P<system>[A-Za-z][A-Za-z0-9+.\-:/_]{0,150})\|(?P<value>[A-Za-z0-9.\-]{1,64})$"
)


@dataclass(frozen=True, eq=False)
class ClientActor(Actor):
    """An API client acting for its organisation, with the practitioner on whose behalf it
    sends this request (NEN 7513 "namens wie"), or :data:`NO_PRACTITIONER`."""

    practitioner: str = ""

    @property
    def audit_on_behalf_of_name(self) -> str:
        return self.practitioner or NO_PRACTITIONER


def on_behalf_of(request: HttpRequest) -> str | None:
    """The practitioner named by :data:`ON_BEHALF_OF_HEADER` as ``system|value``; None when
    the header is absent. Raises ValueError when it is malformed."""
    raw = request.headers.get(ON_BEHALF_OF_HEADER)
    if raw is None:
        return None
    match = _ON_BEHALF_OF.match(raw.strip())
    if match is None:
        raise ValueError(raw[:100])
    return f"{match.group('system')}|{match.group('value')}"


def actor_for_client(client: ApiClient, scopes: ScopeSet, practitioner: str = "") -> Actor:
    return ClientActor(
        user=None,
        client_id=client.client_id,
        client_name=client.name,
        client_organization=client.organization,
        client_permissions=scopes.permissions(),
        practitioner=practitioner,
    )


@dataclass(frozen=True)
class Bearer:
    client: ApiClient
    scopes: ScopeSet
    actor: Actor


def authenticate(request: HttpRequest) -> Bearer | None:
    """The client behind the request's bearer token, or None (missing, unknown or expired)."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    if not token or len(token) > 200:
        return None
    row = (
        AccessToken.objects.select_related("client__organization")
        .filter(token_hash=_digest(token), expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.client.is_active or not row.client.organization.is_active:
        return None
    scopes = ScopeSet.parse(row.scopes)
    return Bearer(row.client, scopes, actor_for_client(row.client, scopes))
