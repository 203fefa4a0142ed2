"""The access log withstands someone who holds the database but not the key (issue 19, item 2).

Rows are chained with HMAC-SHA256 under a key from the environment, so rewriting a row and
recomputing the later hashes is detected; signed checkpoints kept outside the database detect
removing the newest rows and rewinding the chain head. Keys rotate: each row names its key.
Rows written before the chain was keyed verify as plain SHA-256 and are anchored by the first
keyed row after them."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from palliare.audit import checkpoints, services, triggers
from palliare.audit.constants import AuditAction
from palliare.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = (*services.HASHED_FIELDS, "key_id")


def _write(n: int, start: int = 0) -> list[AuditEvent]:
    return [
        services.record(
            f"test.event{i}", actor=None, actor_name="tester", action=AuditAction.READ, patient_id=7
        )
        for i in range(start, start + n)
    ]


@pytest.fixture
def tamper():
    """An attacker with the database (triggers off), but without the chain key."""
    with connection.cursor() as cursor:
        triggers.remove(cursor, connection.vendor)
    yield
    with connection.cursor() as cursor:
        triggers.install(cursor, connection.vendor)


def _rewrite_from(sequence: int, change: dict[str, object], *, key: bytes | None = None) -> None:
    """Change row ``sequence`` and recompute every later hash, prev_hash and the chain head, as
    an attacker would: with plain SHA-256 or a key they guessed."""
    rows = list(AuditEvent.objects.order_by("sequence").values("id", "hash", *FIELDS))
    prev = services.GENESIS_HASH
    with connection.cursor() as cursor:
        for row in rows:
            if row["sequence"] >= sequence:
                if row["sequence"] == sequence:
                    row.update(change)
                row["prev_hash"] = prev
                message = services._canonical_json(row).encode()
                row["hash"] = (
                    hmac.new(key, message, hashlib.sha256).hexdigest()
                    if key
                    else hashlib.sha256(message).hexdigest()
                )
                cursor.execute(
                    "UPDATE audit_auditevent SET actor_name = %s, prev_hash = %s, hash = %s "
                    "WHERE id = %s",
                    [row["actor_name"], row["prev_hash"], row["hash"], row["id"]],
                )
            prev = row["hash"]
        cursor.execute("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


def test_rows_name_their_key_and_verify():
    events = _write(3)
    assert {e.key_id for e in events} == {"ci"}
    assert services.verify_chain().ok


@pytest.mark.parametrize("key", [None, b"a guessed key"])
def test_rewrite_with_recomputed_later_hashes_is_detected(tamper, key):
    _write(5)
    _rewrite_from(2, {"actor_name": "someone else"}, key=key)
    report = services.verify_chain()
    assert not report.ok
    assert report.broken is not None and report.broken.sequence == 2


def test_unkeyed_rows_after_keyed_ones_are_refused(tamper):
    """Relabelling rows as 'written before the key' (key_id empty, plain SHA-256) does not
    help: a keyed chain never falls back to unkeyed rows."""
    _write(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET key_id = '' WHERE sequence >= 3")
    _rewrite_from(3, {"key_id": "", "actor_name": "someone else"})
    report = services.verify_chain()
    assert not report.ok
    assert report.broken is not None and report.broken.sequence == 3


def test_rows_written_before_the_key_verify_and_are_anchored(tamper, settings):
    """An upgraded installation: its old rows (plain SHA-256, no key id) still verify; the
    first keyed row covers the last old row's hash, so rewriting old rows is detected."""
    _write(3)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET key_id = ''")
    _rewrite_from(1, {"key_id": ""})  # what the unkeyed release wrote: plain SHA-256
    _write(2, start=3)
    report = services.verify_chain()
    assert report.ok, report.broken
    assert report.checked == 5
    _rewrite_from(2, {"actor_name": "someone else"})  # rewrite an old row (and what follows)
    broken = services.verify_chain().broken
    assert broken is not None


def test_key_rotation(settings):
    _write(2)
    settings.AUDIT_CHAIN_KEYS = {**settings.AUDIT_CHAIN_KEYS, "2027": "n" * 40}
    settings.AUDIT_CHAIN_KEY_ID = "2027"
    newer = _write(2, start=2)
    assert {e.key_id for e in newer} == {"2027"}
    assert services.verify_chain().ok
    settings.AUDIT_CHAIN_KEYS = {"2027": "n" * 40}  # the old key dropped too early
    report = services.verify_chain()
    assert report.broken is not None and "not in AUDIT_CHAIN_KEYS" in report.broken.problem


def test_hmac_from_pads_equals_hmac():
    """The database computes HMAC as sha256(outer || sha256(inner || message)) from the pads
    (PostgreSQL's single-statement append); that is RFC 2104 HMAC for short and long keys."""
    for key in (b"k", b"x" * 64, b"y" * 100):
        outer, inner = services.hmac_pads(key)
        message = "prev → hash ë".encode()
        by_pads = hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).hexdigest()
        assert by_pads == hmac.new(key, message, hashlib.sha256).hexdigest()


def test_truncation_and_rewound_head_are_found_by_checkpoints(tamper, tmp_path, capsys):
    path = tmp_path / "checkpoints.jsonl"
    _write(3)
    call_command("audit_checkpoint", file=path)
    _write(2, start=3)
    call_command("audit_checkpoint", file=path)
    call_command("verify_audit_log", checkpoints=path)
    assert "agrees with 2 checkpoints" in capsys.readouterr().out
    # Remove the two newest rows and rewind the head: the chain alone looks intact.
    last_kept = AuditEvent.objects.get(sequence=3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence > 3")
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_sequence = 3, last_hash = %s, "
            "previous_hash = %s WHERE id = 1",
            [last_kept.hash, last_kept.prev_hash],
        )
    assert services.verify_chain().ok
    with pytest.raises(SystemExit):
        call_command("verify_audit_log", checkpoints=path)
    assert "rewound" in capsys.readouterr().err


def test_checkpoints_find_a_rewritten_log_even_when_the_key_leaked(tamper, tmp_path, settings):
    path = tmp_path / "checkpoints.jsonl"
    _write(3)
    checkpoints.publish(path)
    key = settings.AUDIT_CHAIN_KEYS["ci"].encode()
    _rewrite_from(2, {"actor_name": "someone else"}, key=key)
    assert services.verify_chain().ok  # with the key, the chain can be recomputed …
    with path.open() as handle:
        problems = checkpoints.verify_against(checkpoints.read(handle))
    assert problems and "rewritten" in problems[0]  # … but not the shipped checkpoints


def test_forged_checkpoint_is_refused(tmp_path):
    path = tmp_path / "checkpoints.jsonl"
    _write(2)
    checkpoints.publish(path)
    data = json.loads(path.read_text())
    data["sequence"] = 1  # pretend the log was shorter then
    path.write_text(json.dumps(data) + "\nnot json\n")
    with path.open() as handle:
        problems = checkpoints.verify_against(checkpoints.read(handle))
    assert len(problems) == 2
    assert "signature" in problems[0]
    assert "damaged" in problems[1]


def test_checkpoint_goes_to_the_log_stream(tmp_path, caplog):
    _write(1)
    with caplog.at_level("INFO", logger="palliare.audit.checkpoint"):
        checkpoint = checkpoints.publish(tmp_path / "c.jsonl")
    assert checkpoint.sequence == 1
    assert any("audit_checkpoint" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("keys", "message"),
    [(None, "Set the environment variable AUDIT_CHAIN_KEYS"), ("p:short", "shorter than 32")],
)
def test_production_requires_a_real_chain_key(keys, message):
    env = {k: v for k, v in os.environ.items() if k != "AUDIT_CHAIN_KEYS"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "palliare.conf.production",
            "PYTHONPATH": "src",
            "SECRET_KEY": "x" * 50,
        }
    )
    if keys:
        env["AUDIT_CHAIN_KEYS"] = keys
    code = "from django.conf import settings; settings.DEBUG"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode != 0
    assert message in out.stderr
