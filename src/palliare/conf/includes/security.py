"""Authentication, session and lockout settings shared by every environment."""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured

from .environ import config

SESSION_IDLE_MINUTES = config(
    "SESSION_IDLE_MINUTES",
    30,
    help_text="Minutes of inactivity after which a professional is logged out.",
    group="Security",
)
AXES_FAILURE_LIMIT_SETTING = config(
    "LOGIN_FAILURE_LIMIT",
    5,
    help_text="Failed logins (per username and address) before the account is locked out.",
    group="Security",
)
AXES_COOLOFF_MINUTES = config(
    "LOGIN_LOCKOUT_MINUTES",
    15,
    help_text="Minutes a locked-out login stays locked.",
    group="Security",
)

AUDIT_CHAIN_KEYS_SETTING = config(
    "AUDIT_CHAIN_KEYS",
    help_text=(
        "Keys of the access log's hash chain (HMAC-SHA256), as comma-separated id:secret pairs, "
        "e.g. '2027a:<secret>,2026a:<old secret>'. Ids: letters, digits, '-' or '_'. Secrets: "
        "at least 32 random characters, kept outside the database (someone who holds the "
        "database but not the key cannot rewrite the log unnoticed). Keep old keys listed "
        "for as long as rows written with them must be verifiable (docs/operations.md)."
    ),
    group="Security",
)
AUDIT_CHAIN_KEY_ID_SETTING = config(
    "AUDIT_CHAIN_KEY_ID",
    "",
    help_text=(
        "Id of the key in AUDIT_CHAIN_KEYS that new access-log rows and checkpoints are written "
        "with (rotation: add a new key, point this at it). Empty: the first key listed."
    ),
    group="Security",
)

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def audit_chain_keys(raw: str, *, min_length: int = 0) -> dict[str, str]:
    """Parse AUDIT_CHAIN_KEYS ('id:secret,id:secret') into a mapping, in the order given."""
    keys: dict[str, str] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        key_id, sep, secret = item.strip().partition(":")
        if not sep or not _KEY_ID.match(key_id) or not secret:
            raise ImproperlyConfigured(
                "AUDIT_CHAIN_KEYS must be comma-separated id:secret pairs "
                "(ids of letters, digits, '-' or '_')."
            )
        if len(secret) < min_length:
            raise ImproperlyConfigured(
                f"AUDIT_CHAIN_KEYS: the secret of key {key_id!r} is shorter than "
                f"{min_length} characters."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"AUDIT_CHAIN_KEYS names key {key_id!r} twice.")
        keys[key_id] = secret
    if not keys:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEYS holds no key.")
    return keys


def audit_chain_key_id(keys: dict[str, str], chosen: str) -> str:
    """The id of the key new rows are written with: ``chosen`` if set (it must be listed)."""
    if not chosen:
        return next(iter(keys))
    if chosen not in keys:
        raise ImproperlyConfigured(f"AUDIT_CHAIN_KEY_ID {chosen!r} is not in AUDIT_CHAIN_KEYS.")
    return chosen
