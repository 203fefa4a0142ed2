"""Writing and verifying the access log. ``record`` is the only way to write it."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from . import context
from .constants import AuditAction, AuditOutcome
from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64

# The fields covered by the hash, in a fixed order. Changing this list invalidates every chain.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "event_type",
    "action",
    "outcome",
    "patient_id",
    "patient_ids",
    "subject_type",
    "subject_id",
    "actor_user_id",
    "actor_name",
    "actor_client_id",
    "on_behalf_of_user_id",
    "on_behalf_of_name",
    "organization_id",
    "organization_name",
    "role",
    "purpose",
    "reason",
    "request_id",
    "client_ip",
    "user_agent",
    "details",
    "prev_hash",
)


class AuditActor(Protocol):
    """What the log needs to know of whoever acts (a person or an API client)."""

    @property
    def audit_user_id(self) -> int | None: ...
    @property
    def audit_name(self) -> str: ...
    @property
    def audit_client_id(self) -> str: ...
    @property
    def audit_organization_id(self) -> int | None: ...
    @property
    def audit_organization_name(self) -> str: ...
    @property
    def audit_role(self) -> str: ...
    @property
    def audit_on_behalf_of_id(self) -> int | None: ...
    @property
    def audit_on_behalf_of_name(self) -> str: ...


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def _canonical_json(values: dict[str, Any]) -> str:
    payload = {name: _canonical(values[name]) for name in HASHED_FIELDS}
    if values.get("key_id"):  # keyed rows also cover the id of their key
        payload["key_id"] = values["key_id"]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class UnknownChainKeyError(Exception):
    """A row names a chain key that AUDIT_CHAIN_KEYS does not hold (so it cannot be checked)."""


def chain_key(key_id: str) -> bytes:
    """The secret of chain key ``key_id`` (from the environment, never from the database)."""
    keys: dict[str, str] = settings.AUDIT_CHAIN_KEYS
    if key_id not in keys:
        raise UnknownChainKeyError(key_id)
    return keys[key_id].encode("utf-8")


def current_key_id() -> str:
    """The id of the key new rows and checkpoints are written with."""
    return str(settings.AUDIT_CHAIN_KEY_ID)


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256's outer and inner padded keys (RFC 2104), so the database can compute
    ``sha256(outer || sha256(inner || message))`` with its plain ``sha256`` function: the
    key itself never appears in SQL, only these derived pads, as statement parameters."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x5C for b in key), bytes(b ^ 0x36 for b in key)


def compute_hash(values: dict[str, Any]) -> str:
    """The row's hash over the canonical JSON of the hashed fields: HMAC-SHA256 with the chain
    key the row names (``key_id``); plain SHA-256 for rows written before the chain was keyed
    (``key_id`` empty), which the first keyed row after them anchors (decision 0024)."""
    message = _canonical_json(values).encode("utf-8")
    key_id = values.get("key_id") or ""
    if not key_id:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(chain_key(key_id), message, hashlib.sha256).hexdigest()


def _hash_input_around_chain(values: dict[str, Any]) -> tuple[str, str, str]:
    """The canonical JSON of ``values`` cut where the previous hash and the sequence number go,
    so the database can complete and hash it while it holds the chain head:
    ``before + prev_hash + middle + str(sequence) + after`` is what :func:`compute_hash`
    hashes. The keys are sorted, so ``prev_hash`` comes before ``sequence``; the markers are
    random, so no logged text can imitate them."""
    marker = secrets.token_hex(16)
    encoded = _canonical_json(values | {"prev_hash": f"p{marker}", "sequence": f"s{marker}"})
    before, rest = encoded.split(f"p{marker}")
    middle, after = rest.split(f'"s{marker}"')
    return before, middle, after


def _subject_label(subject: models.Model | None) -> tuple[str, str]:
    if subject is None:
        return "", ""
    return subject._meta.label, str(subject.pk)


def _id_list(ids: Iterable[int]) -> str:
    unique = sorted({int(i) for i in ids})
    return f",{','.join(map(str, unique))}," if unique else ""


def record(
    event_type: str,
    *,
    actor: AuditActor | None,
    action: AuditAction | str,
    patient_id: int | None = None,
    patient_ids: Iterable[int] = (),
    subject: models.Model | None = None,
    outcome: AuditOutcome | str = AuditOutcome.SUCCESS,
    purpose: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the access log, in the caller's transaction.

    ``actor_name`` names an actor that has no account (a failed login's username).
    ``patient_ids`` lists every patient a list view showed, so the patient's access report
    includes lists too.
    """
    ctx = context.current()
    subject_type, subject_id = _subject_label(subject)
    values: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "event_type": event_type,
        "action": str(action),
        "outcome": str(outcome),
        "patient_id": patient_id,
        "patient_ids": _id_list(patient_ids),
        "subject_type": subject_type,
        "subject_id": subject_id,
        "actor_user_id": actor.audit_user_id if actor else None,
        "actor_name": (actor.audit_name if actor else actor_name)[:200],
        "actor_client_id": actor.audit_client_id if actor else "",
        "on_behalf_of_user_id": actor.audit_on_behalf_of_id if actor else None,
        "on_behalf_of_name": (actor.audit_on_behalf_of_name if actor else "")[:200],
        "organization_id": actor.audit_organization_id if actor else None,
        "organization_name": (actor.audit_organization_name if actor else "")[:200],
        "role": actor.audit_role if actor else "",
        "purpose": str(purpose),
        "reason": reason,
        "request_id": ctx.request_id,
        "client_ip": ctx.client_ip,
        "user_agent": ctx.user_agent,
        "details": details or {},
        "key_id": current_key_id(),
    }
    connection = connections[router.db_for_write(AuditEvent) or DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        return _append_in_one_statement(connection, values)
    with transaction.atomic(using=connection.alias):
        sequence, prev_hash = _advance_head(connection)
        values |= {"sequence": sequence, "prev_hash": prev_hash}
        values["hash"] = compute_hash(values)
        return _insert(connection, values)


# The access log is written on every read of patient data. On PostgreSQL one statement (one
# round trip, no transaction of its own) locks the chain head, takes the next number, hashes the
# row in the database and inserts it: the head's lock, which orders all writers, is held only
# while the server runs that statement, not across round trips (decision 0020). On SQLite
# (one writer at a time anyway) three statements in a transaction do the same with the hash
# computed here. Values pass through each field's own conversion, so the row is what
# ``AuditEvent.objects.create`` would store, and ``verify_chain`` checks both alike.
_INSERTED = tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)
_CHAIN = ("sequence", "prev_hash", "hash")
_CONTENT = tuple(f for f in _INSERTED if f.attname not in _CHAIN)


@dataclass(frozen=True)
class _Statements:
    advance: str
    insert: str
    store_hash: str
    append: str


@functools.cache
def _statements(alias: str) -> _Statements:
    connection = connections[alias]
    quote = connection.ops.quote_name
    event, head = quote(AuditEvent._meta.db_table), quote(AuditChainHead._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in _INSERTED)
    content = ", ".join(quote(str(f.column)) for f in _CONTENT)
    # The SELECT below gives its parameters no column types: cast each to its column's.
    typed = ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in _CONTENT)
    marks = ", ".join(["%s"] * len(_INSERTED))
    return _Statements(
        advance=f"UPDATE {head} SET last_sequence = last_sequence + 1 WHERE id = 1 "  # noqa: S608
        "RETURNING last_sequence, last_hash",
        insert=f"INSERT INTO {event} ({columns}) VALUES ({marks}) RETURNING id",  # noqa: S608
        store_hash=f"UPDATE {head} SET last_hash = %s WHERE id = 1",  # noqa: S608
        append=(
            f"WITH head AS (UPDATE {head} SET last_sequence = last_sequence + 1, "  # noqa: S608
            # HMAC-SHA256 from its padded keys: sha256(outer || sha256(inner || message)).
            "previous_hash = last_hash, last_hash = encode(sha256(CAST(%s AS bytea) || "
            "sha256(CAST(%s AS bytea) || convert_to("
            "CAST(%s AS text) || last_hash || CAST(%s AS text) "
            "|| CAST(last_sequence + 1 AS text) || CAST(%s AS text), 'UTF8'))), 'hex') "
            "WHERE id = 1 RETURNING last_sequence, previous_hash, last_hash) "
            f"INSERT INTO {event} ({content}, sequence, prev_hash, hash) "
            f"SELECT {typed}, head.last_sequence, head.previous_hash, head.last_hash FROM head "
            "RETURNING id, sequence, prev_hash, hash"
        ),
    )


def _append_in_one_statement(connection: BaseDatabaseWrapper, values: dict[str, Any]) -> AuditEvent:
    """PostgreSQL: the whole append as one statement (see above)."""
    params: list[Any] = [*hmac_pads(chain_key(values["key_id"]))]
    params += [*_hash_input_around_chain(values)]
    params += [f.get_db_prep_save(values[f.attname], connection) for f in _CONTENT]
    event_id, sequence, prev_hash, hash_ = _on_head(
        connection, _statements(connection.alias).append, params
    )
    return _event(
        connection, event_id, values | {"sequence": sequence, "prev_hash": prev_hash, "hash": hash_}
    )


def _advance_head(connection: BaseDatabaseWrapper) -> tuple[int, str]:
    """Lock the chain head (the row lock orders concurrent writers until commit), take the next
    sequence number and return it with the previous row's hash."""
    sequence, prev_hash = _on_head(connection, _statements(connection.alias).advance, [])
    return int(sequence), str(prev_hash)


def _on_head(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> tuple[Any, ...]:
    """Run a statement that updates the chain head and returns one row. A new database has no
    head yet: it is created with the first event, and the statement runs again."""
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None:
            return tuple(row)
        AuditChainHead.objects.get_or_create(pk=1)
    raise RuntimeError("the access-log chain head could not be created")


def _insert(connection: BaseDatabaseWrapper, values: dict[str, Any]) -> AuditEvent:
    sql = _statements(connection.alias)
    params = [f.get_db_prep_save(values[f.attname], connection) for f in _INSERTED]
    with connection.cursor() as cursor:
        cursor.execute(sql.insert, params)
        (event_id,) = cursor.fetchone()
        cursor.execute(sql.store_hash, [values["hash"]])
    return _event(connection, event_id, values)


def _event(connection: BaseDatabaseWrapper, event_id: int, values: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(id=event_id, **values)
    event._state.adding = False
    event._state.db = connection.alias
    return event


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored log differs from what was written."""

    sequence: int | None
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event #{self.sequence} (id {self.event_id})" if self.sequence else "chain head"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _stored_rows() -> Iterator[dict[str, Any]]:
    fields = ("id", "hash", "key_id", *HASHED_FIELDS)
    yield from AuditEvent.objects.order_by("sequence").values(*fields).iterator(chunk_size=5000)


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first row that was altered, inserted or removed."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    keyed = False
    for row in _stored_rows():
        seq, event_id = row["sequence"], row["id"]
        if seq != expected_sequence:
            return ChainReport(
                checked,
                ChainBreak(
                    seq,
                    event_id,
                    f"expected sequence {expected_sequence}, found {seq} "
                    "(rows removed or inserted)",
                ),
            )
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                checked, ChainBreak(seq, event_id, "link to the previous row does not match")
            )
        if keyed and not row["key_id"]:
            return ChainReport(
                checked,
                ChainBreak(seq, event_id, "unkeyed row after keyed rows (written without the key)"),
            )
        keyed = keyed or bool(row["key_id"])
        try:
            expected_hash = compute_hash(row)
        except UnknownChainKeyError:
            return ChainReport(
                checked,
                ChainBreak(
                    seq, event_id, f"written with key {row['key_id']!r}, not in AUDIT_CHAIN_KEYS"
                ),
            )
        if not hmac.compare_digest(expected_hash, row["hash"]):
            return ChainReport(
                checked, ChainBreak(seq, event_id, "content does not match its hash (altered)")
            )
        expected_prev = row["hash"]
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_sequence = head.last_sequence if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_sequence != checked or last_hash != expected_prev:
        return ChainReport(
            checked,
            ChainBreak(
                None,
                None,
                f"the log ends at #{checked} but {last_sequence} events were written "
                "(newest rows removed or altered)",
            ),
        )
    return ChainReport(checked, None)
