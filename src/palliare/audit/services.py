"""Writing and verifying the access log. ``record`` is the only way to write it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from django.db import models, transaction
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


def compute_hash(values: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the hashed fields."""
    payload = {name: _canonical(values[name]) for name in HASHED_FIELDS}
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


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
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        values: dict[str, Any] = {
            "sequence": head.last_sequence + 1,
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
            "prev_hash": head.last_hash,
        }
        values["hash"] = compute_hash(values)
        event = AuditEvent.objects.create(**values)
        AuditChainHead.objects.filter(pk=1).update(
            last_sequence=values["sequence"], last_hash=values["hash"]
        )
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
    fields = ("id", "hash", *HASHED_FIELDS)
    yield from AuditEvent.objects.order_by("sequence").values(*fields).iterator(chunk_size=5000)


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first row that was altered, inserted or removed."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    checked = 0
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
        if compute_hash(row) != row["hash"]:
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
