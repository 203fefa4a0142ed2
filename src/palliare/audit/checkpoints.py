"""Signed checkpoints of the access log's chain head, kept outside the database.

The keyed chain (``services.compute_hash``) stops someone who holds the database but not the
key from rewriting rows unnoticed. It cannot stop them from deleting the newest rows and
rewinding the chain head to an earlier row: what is left is a valid chain. A checkpoint, taken
periodically (``manage.py audit_checkpoint``) and shipped off the database server, remembers
"at time T the log held N events and event N had hash H". ``verify_against`` then finds a log
that ends before a checkpoint (truncated) or whose event N no longer has hash H (rewritten).

Each checkpoint is signed with HMAC-SHA256 under a chain key and names that key, so it cannot
be forged without the key, and keys can rotate like the chain's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import structlog
from django.utils import timezone

from . import services
from .models import AuditChainHead, AuditEvent

logger = structlog.get_logger("palliare.audit.checkpoint")

_SIGNED = ("sequence", "hash", "at", "key_id")


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at one moment, signed."""

    sequence: int
    hash: str
    at: str
    key_id: str
    signature: str = ""

    def payload(self) -> bytes:
        values = {name: getattr(self, name) for name in _SIGNED}
        return json.dumps(values, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signed(self) -> Checkpoint:
        key = services.chain_key(self.key_id)
        signature = hmac.new(key, self.payload(), hashlib.sha256).hexdigest()
        return Checkpoint(self.sequence, self.hash, self.at, self.key_id, signature)

    def signature_ok(self) -> bool:
        try:
            expected = self.signed().signature
        except services.UnknownChainKeyError:
            return False
        return hmac.compare_digest(expected, self.signature)


def take() -> Checkpoint:
    """A signed checkpoint of the chain head as it is now."""
    head = AuditChainHead.objects.filter(pk=1).first()
    sequence = head.last_sequence if head else 0
    head_hash = head.last_hash if head else services.GENESIS_HASH
    at = timezone.now().isoformat(timespec="seconds")
    return Checkpoint(sequence, head_hash, at, services.current_key_id()).signed()


def publish(path: Path) -> Checkpoint:
    """Take a checkpoint, write it to the structured log (the log shipper carries it off the
    server) and append it as one JSON line to ``path`` (which the operator ships elsewhere)."""
    checkpoint = take()
    fields = asdict(checkpoint)
    logger.info("audit_checkpoint", **fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(fields, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def read(lines: Iterable[str]) -> list[Checkpoint | None]:
    """Checkpoints from JSON lines; None for a line that is not one (reported as damaged)."""
    found: list[Checkpoint | None] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            found.append(
                Checkpoint(
                    sequence=int(data["sequence"]),
                    hash=str(data["hash"]),
                    at=str(data["at"]),
                    key_id=str(data["key_id"]),
                    signature=str(data["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            found.append(None)
    return found


def verify_against(checkpoints: list[Checkpoint | None]) -> list[str]:
    """Problems found comparing the log with the checkpoints (empty: it agrees with all)."""
    problems: list[str] = []
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    for number, checkpoint in enumerate(checkpoints, start=1):
        if checkpoint is None:
            problems.append(f"checkpoint line {number}: not a checkpoint (damaged file)")
            continue
        if not checkpoint.signature_ok():
            problems.append(
                f"checkpoint line {number}: signature does not match (forged, damaged, or "
                f"key {checkpoint.key_id!r} missing from AUDIT_CHAIN_KEYS)"
            )
            continue
        if checkpoint.sequence == 0:
            continue
        if checkpoint.sequence > last:
            problems.append(
                f"checkpoint of {checkpoint.at} saw {checkpoint.sequence} events; the log now "
                f"ends at #{last} (newest rows removed and the chain head rewound)"
            )
            continue
        stored = (
            AuditEvent.objects.filter(sequence=checkpoint.sequence)
            .values_list("hash", flat=True)
            .first()
        )
        if stored != checkpoint.hash:
            problems.append(
                f"checkpoint of {checkpoint.at}: event #{checkpoint.sequence} no longer has the "
                "hash it had then (the log was rewritten)"
            )
    return problems
