"""SMART Backend Services client authentication with ``private_key_jwt`` (SMART App Launch
2.x, "Backend Services"; RFC 7523): the client signs a short-lived JWT with its private key
and Palliare checks it against the public keys the client registered — a JWK Set stored with
the client or fetched from its JWKS URL. No shared secret crosses the wire or sits in the
database.

Checked, in this order, each failure an OAuth2 ``invalid_client`` with a reason:
the algorithm (RS384 or ES384 only: never ``none``, never a symmetric HS*), ``iss`` = ``sub`` =
a registered active client, the signature against one of its keys (by ``kid`` when given),
``aud`` = this token endpoint, ``exp`` present and at most five minutes ahead, and ``jti``
not seen before for this client (replay).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ApiClient, ClientAssertionUse

#: ``client_assertion_type`` for a JWT client assertion (RFC 7523 §2.2).
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: The algorithms SMART Backend Services requires servers to support.
ALGORITHMS = ("RS384", "ES384")
#: ``exp`` may lie at most this far in the future (SMART: "no more than five minutes").
MAX_LIFETIME = dt.timedelta(minutes=5)
#: Clock skew tolerated between the client and this server.
LEEWAY = dt.timedelta(seconds=30)
#: Longest accepted assertion (a signed JWT is a few hundred bytes to a few kilobytes).
MAX_ASSERTION_LENGTH = 8192

_KEY_TYPES = {"RS384": "RSA", "ES384": "EC"}
_jwks_clients: dict[str, jwt.PyJWKClient] = {}
_jwks_lock = threading.Lock()


class AssertionRefused(Exception):
    """The assertion is refused; ``reason`` says why (for the client and the access log)."""

    def __init__(self, reason: str, client_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.client_id = client_id


def validate_jwks(jwks: Any) -> list[str]:
    """Problems with a JWK Set a client registers (empty when it is usable): it must hold
    only public RSA or P-384 EC keys."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        return ['A JWK Set is an object with a non-empty "keys" list.']
    problems = []
    for index, key in enumerate(jwks["keys"], start=1):
        if not isinstance(key, dict):
            problems.append(f"Key {index} is not an object.")
            continue
        if any(private in key for private in ("d", "p", "q", "k")):
            problems.append(f"Key {index} holds private material; register the public key only.")
        if key.get("kty") not in ("RSA", "EC"):
            problems.append(f"Key {index}: kty must be RSA or EC.")
        if key.get("kty") == "EC" and key.get("crv") != "P-384":
            problems.append(f"Key {index}: an EC key must use the P-384 curve (ES384).")
        try:
            jwt.PyJWK.from_dict(key)
        except (jwt.PyJWKError, jwt.InvalidKeyError, TypeError, ValueError) as exc:
            problems.append(f"Key {index} cannot be read: {exc}")
    return problems


def validate_jwks_url(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        settings.DEBUG and parts.hostname in ("localhost", "127.0.0.1")
    ):
        return ["A JWKS URL must use https."]
    if not parts.hostname:
        return ["A JWKS URL needs a host."]
    return []


def _registered_keys(client: ApiClient, header: dict[str, Any], alg: str) -> list[Any]:
    """The client's public keys that may have signed a JWT with this header."""
    kid = header.get("kid")
    if client.jwks_url:
        with _jwks_lock:
            fetcher = _jwks_clients.get(client.jwks_url)
            if fetcher is None:
                fetcher = jwt.PyJWKClient(client.jwks_url, lifespan=300, timeout=5)
                _jwks_clients[client.jwks_url] = fetcher
        try:
            keys = fetcher.get_signing_keys(refresh=False)
        except jwt.PyJWKClientError as exc:
            raise AssertionRefused(f"The client's JWKS URL could not be read: {exc}") from None
    elif client.jwks:
        try:
            keys = jwt.PyJWKSet.from_dict(client.jwks).keys
        except jwt.PyJWKSetError as exc:
            raise AssertionRefused(f"The client's registered JWK Set is unusable: {exc}") from None
    else:
        raise AssertionRefused("This client has no public key registered; use its secret.")
    wanted_kty = _KEY_TYPES[alg]
    candidates = [
        key
        for key in keys
        if key.key_type == wanted_kty
        and (kid is None or key.key_id == kid)
        and key.public_key_use in (None, "sig")
    ]
    if not candidates:
        raise AssertionRefused(f"No registered {wanted_kty} key matches kid {kid!r}.")
    return candidates


def verify(assertion: str, *, token_url: str) -> ApiClient:
    """The client that signed ``assertion`` for this token endpoint; raises
    :class:`AssertionRefused` otherwise. Records the ``jti`` so the assertion cannot be
    replayed."""
    if not assertion or len(assertion) > MAX_ASSERTION_LENGTH:
        raise AssertionRefused("The client assertion is missing or too long.")
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise AssertionRefused("The client assertion is not a signed JWT.") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise AssertionRefused(f"Algorithm {alg!r} is not accepted; sign with RS384 or ES384.")
    iss, sub = unverified.get("iss"), unverified.get("sub")
    if not isinstance(iss, str) or not iss or iss != sub:
        raise AssertionRefused("iss and sub must both be the client id.")
    client = (
        ApiClient.objects.select_related("organization")
        .filter(client_id=iss[:64], is_active=True, organization__is_active=True)
        .first()
    )
    if client is None:
        raise AssertionRefused("Unknown or inactive client.", iss[:64])
    claims = _verified_claims(assertion, client, header, alg, token_url)
    _check_lifetime_and_replay(client, claims)
    return client


def _verified_claims(
    assertion: str, client: ApiClient, header: dict[str, Any], alg: str, token_url: str
) -> dict[str, Any]:
    problem = "The signature matches none of the client's registered keys."
    for key in _registered_keys(client, header, alg):
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                key.key,
                algorithms=[alg],
                audience=token_url,
                issuer=client.client_id,
                leeway=LEEWAY,
                options={"require": ["iss", "sub", "aud", "exp", "jti"]},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError:
            problem = "The client assertion has expired."
        except jwt.InvalidAudienceError:
            problem = f"aud must be this token endpoint, {token_url}."
        except jwt.MissingRequiredClaimError as exc:
            problem = f"The client assertion lacks the {exc.claim!r} claim."
        except jwt.PyJWTError as exc:
            problem = f"The client assertion is invalid: {exc}"
        else:
            return claims
        break
    raise AssertionRefused(problem, client.client_id)


def _check_lifetime_and_replay(client: ApiClient, claims: dict[str, Any]) -> None:
    now = timezone.now()
    expires = dt.datetime.fromtimestamp(int(claims["exp"]), tz=dt.UTC)
    if expires > now + MAX_LIFETIME + LEEWAY:
        raise AssertionRefused("exp lies more than five minutes ahead.", client.client_id)
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > 255:
        raise AssertionRefused("jti must be a string of at most 255 characters.", client.client_id)
    ClientAssertionUse.objects.filter(expires_at__lt=now - LEEWAY).delete()
    try:
        with transaction.atomic():
            ClientAssertionUse.objects.create(client=client, jti=jti, expires_at=expires)
    except IntegrityError:
        raise AssertionRefused("This client assertion was used before.", client.client_id) from None
