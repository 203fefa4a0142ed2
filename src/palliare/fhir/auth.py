"""SMART Backend Services style authorisation: API clients, the client-credentials grant and
bearer tokens. A valid token yields an :class:`~palliare.accounts.actors.Actor` for the
client's organisation, so the same access policy and access log apply as for a person."""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
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


# --- client secrets ----------------------------------------------------------------------------
#
# A client secret is 256 random bits (``secrets.token_urlsafe(32)``), not a password a person
# chose: nobody can guess it, so a deliberately slow hash (PBKDF2, Django's password hasher)
# protects nothing more and costs ~0.1–0.3 s of CPU per token request, holding a worker thread
# (32 token requests at once took 22–41 s). It is stored as HMAC-SHA256 keyed with a key derived
# from SECRET_KEY; SECRET_KEY_FALLBACKS are accepted while a key is rotated, and a secret
# checked against an older key or an older PBKDF2 hash is stored anew on its next successful
# use.

SECRET_HASH_PREFIX = "hmac-sha256$"  # noqa: S105 (the stored form's prefix, not a secret)


def _secret_keys() -> list[bytes]:
    """The keys client secrets are hashed with: the current one first, then the fallbacks."""
    raw = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        hashlib.sha256(b"palliare.fhir.client-secret\x00" + str(key).encode("utf-8")).digest()
        for key in raw
    ]


def hash_client_secret(secret: str, key: bytes | None = None) -> str:
    """The stored form of a client secret: ``hmac-sha256$<hex>``."""
    mac = hmac.new(key or _secret_keys()[0], secret.encode("utf-8"), hashlib.sha256)
    return SECRET_HASH_PREFIX + mac.hexdigest()


def check_client_secret(secret: str, stored: str) -> tuple[bool, bool]:
    """Whether ``secret`` matches ``stored``, and whether the stored hash should be replaced
    (an older key, or a PBKDF2 hash from before HMAC)."""
    if not stored or not secret:
        return False, False
    if stored.startswith(SECRET_HASH_PREFIX):
        for position, key in enumerate(_secret_keys()):
            if hmac.compare_digest(hash_client_secret(secret, key), stored):
                return True, position > 0
        return False, False
    # A hash written by Django's password hasher before the change (slow, checked once).
    return (True, True) if check_password(secret, stored) else (False, False)


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
        secret_hash=hash_client_secret(secret) if secret else "",
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
    matches, outdated = (
        check_client_secret(secret, client.secret_hash) if client is not None else (False, False)
    )
    if client is None or not client.is_active or not client.organization.is_active or not matches:
        raise _refuse(client_id, "Unknown client or wrong secret.")
    if outdated:  # PBKDF2 or an older key: store the current form (the secret is at hand now)
        ApiClient.objects.filter(pk=client.pk, secret_hash=client.secret_hash).update(
            secret_hash=hash_client_secret(secret)
        )
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


# --- the token check ---------------------------------------------------------------------------
#
# Every FHIR request presents its bearer token. Looking it up in the database on every request
# was a fifth of an identifier search's cost, so a worker process remembers a token it has
# checked for FHIR_TOKEN_CACHE_SECONDS (default 10): its client, organisation, scopes and expiry.
# Expiry is exact (the remembered expiry is compared on every request). Revocation — the
# client or its organisation deactivated, the token or the client deleted — empties the cache
# of the process that made the change at once (signals below); other worker processes notice
# within FHIR_TOKEN_CACHE_SECONDS, when they check the token in the database again.


@dataclass(frozen=True)
class _Checked:
    client: ApiClient
    scopes: ScopeSet
    expires_at: dt.datetime
    recheck_at: float  # time.monotonic() after which the database is asked again


_checked: dict[str, _Checked] = {}
_checked_lock = threading.Lock()
#: Tokens remembered at most; beyond that the cache is emptied (tokens live five minutes).
TOKEN_CACHE_SIZE = 10_000


def _clock() -> float:
    return time.monotonic()


def _now() -> dt.datetime:
    return timezone.now()


def token_cache_seconds() -> float:
    return float(getattr(settings, "FHIR_TOKEN_CACHE_SECONDS", 10))


def forget_tokens() -> None:
    """Empty this process's cache of checked tokens (revocation, tests)."""
    with _checked_lock:
        _checked.clear()


@receiver(post_save, sender=ApiClient, dispatch_uid="fhir_token_cache_client_saved")
@receiver(post_delete, sender=ApiClient, dispatch_uid="fhir_token_cache_client_deleted")
@receiver(post_delete, sender=AccessToken, dispatch_uid="fhir_token_cache_token_deleted")
@receiver(post_save, sender=Organization, dispatch_uid="fhir_token_cache_org_saved")
def _revoked(**_kwargs: Any) -> None:
    forget_tokens()


def _lookup(digest: str) -> _Checked | None:
    row = (
        AccessToken.objects.select_related("client__organization")
        .filter(token_hash=digest, expires_at__gt=_now())
        .first()
    )
    if row is None or not row.client.is_active or not row.client.organization.is_active:
        return None
    return _Checked(
        row.client,
        ScopeSet.parse(row.scopes),
        row.expires_at,
        _clock() + token_cache_seconds(),
    )


def authenticate(request: HttpRequest) -> Bearer | None:
    """The client behind the request's bearer token, or None (missing, unknown, expired, or
    its client or organisation deactivated)."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    if not token or len(token) > 200:
        return None
    digest = _digest(token)
    remember = token_cache_seconds() > 0  # 0 switches the cache off
    checked = _checked.get(digest) if remember else None
    if checked is None or checked.recheck_at <= _clock() or checked.expires_at <= _now():
        checked = _lookup(digest)
        with _checked_lock:
            if checked is None:
                _checked.pop(digest, None)
                return None
            if remember:
                if len(_checked) >= TOKEN_CACHE_SIZE:
                    _checked.clear()
                _checked[digest] = checked
    # Each request gets its own copies, so nothing a request caches on them is shared.
    client = copy.copy(checked.client)
    client.organization = copy.copy(checked.client.organization)
    return Bearer(client, checked.scopes, actor_for_client(client, checked.scopes))
