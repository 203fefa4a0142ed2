"""Backup and restore, proven (issue 19, item 11): a populated database is backed up with the
commands docs/operations.md gives, restored into an empty database with the documented restore
commands, and the copy holds every row of every table and an access log that verifies, also
against the checkpoints taken before the backup.

SQLite always runs (the embedded database, in a temporary data directory); PostgreSQL runs when
DATABASE_URL points at PostgreSQL (CI), in two scratch databases it creates and drops. Both
work through ``manage.py`` in a subprocess, as an operator would. ``make backup-test`` runs
this module alone."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")

# The documented commands (docs/operations.md, "Back up" and "Restore"), with the paths of this
# test. test_commands_are_the_documented_ones keeps the two in step.
SQLITE_BACKUP = "sqlite3 {db} \".backup '{backup}'\""
SQLITE_RESTORE = "sqlite3 {db} \".restore '{backup}'\""
PG_BACKUP = 'pg_dump --format=custom --file={backup} "$DATABASE_URL"'
PG_CREATE = "createdb {name} --owner {owner}"
PG_RESTORE = "pg_restore --no-owner --role={owner} --dbname={name} {backup}"

POPULATE = """
from palliare.audit import services
from palliare.audit.constants import AuditAction
from palliare.careplans.factories import CarePlanFactory
from palliare.organizations.factories import MembershipFactory
from palliare.patients.factories import ConsentFactory, PatientFactory
for i in range(6):
    patient = PatientFactory(marked=True, family_name=f"Backup{i}")
    ConsentFactory(patient=patient)
    CarePlanFactory(patient=patient)
    MembershipFactory(organization=patient.gp_practice)
    services.record("backup.read", actor=None, actor_name="operator",
                    action=AuditAction.READ, patient_id=patient.pk, details={"i": i, "t": "ë"})
"""

pytestmark = [pytest.mark.slow, pytest.mark.backup]


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, f"manage.py {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
    return out


def _shell(command: str, env: dict[str, str]) -> None:
    out = subprocess.run(
        ["/bin/sh", "-c", command], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, f"{command}:\n{out.stdout}\n{out.stderr}"


def _base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATA_DIR")}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "palliare.conf.ci", "PYTHONPATH": str(ROOT / "src"), **extra}
    )
    return env


def _populate_and_checkpoint(env: dict[str, str], checkpoints: Path) -> None:
    _manage(env, "migrate", "--no-input")
    _manage(env, "shell", "-c", POPULATE)
    _manage(env, "audit_checkpoint", "--file", str(checkpoints))


def _verified(env: dict[str, str], checkpoints: Path) -> str:
    return _manage(env, "verify_audit_log", "--checkpoints", str(checkpoints)).stdout


def test_commands_are_the_documented_ones():
    for command in (SQLITE_BACKUP, SQLITE_RESTORE, PG_BACKUP, PG_CREATE, PG_RESTORE):
        program = command.split()[0]
        shape = command.replace("{db}", "").replace("{backup}", "").replace("{name}", "")
        shape = shape.replace("{owner}", "")
        documented = [line for line in OPERATIONS.splitlines() if program in line]
        assert documented, f"{program} is not in docs/operations.md"
        # Every option the test uses is in the documented command.
        for option in (part for part in shlex.split(shape) if part.startswith("-")):
            assert any(option in line for line in documented), (command, option)


def _sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        rows = {
            t: connection.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()  # noqa: S608
            for t in tables
        }
        rows["(schema)"] = connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        return rows
    finally:
        connection.close()


def test_sqlite_backup_restores_every_row_and_a_verifiable_log(tmp_path):
    source_dir, restored_dir = tmp_path / "var", tmp_path / "var-restore"
    checkpoints = tmp_path / "archive" / "audit-checkpoints.jsonl"
    env = _base_env(DATA_DIR=str(source_dir))
    _populate_and_checkpoint(env, checkpoints)
    database = source_dir / "palliare.sqlite3"
    backup = tmp_path / "backup" / "palliare-backup.sqlite3"
    backup.parent.mkdir()
    _shell(SQLITE_BACKUP.format(db=database, backup=backup), env)
    restored_dir.mkdir()
    restored = restored_dir / "palliare.sqlite3"
    _shell(SQLITE_RESTORE.format(db=restored, backup=backup), env)

    original, copy = _sqlite_rows(database), _sqlite_rows(restored)
    assert copy == original
    assert len(original["audit_auditevent"]) >= 6
    assert len(original["patients_patient"]) == 6
    assert "intact" in _verified(_base_env(DATA_DIR=str(restored_dir)), checkpoints)


def _pg_url() -> str:
    return os.environ.get("DATABASE_URL", "")


@pytest.mark.skipif(
    not _pg_url().startswith(("postgres://", "postgresql://")),
    reason="PostgreSQL backup and restore run when DATABASE_URL is PostgreSQL",
)
def test_postgresql_backup_restores_every_row_and_a_verifiable_log(tmp_path):
    import psycopg
    from psycopg import sql

    server = _pg_url().rsplit("/", 1)[0]
    suffix = uuid.uuid4().hex[:8]
    source, target = f"palliare_backup_{suffix}", f"palliare_restore_{suffix}"
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        owner = admin.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(source)))
    try:
        env = _base_env(DATABASE_URL=f"{server}/{source}")
        _populate_and_checkpoint(env, checkpoints)
        backup = tmp_path / "palliare-backup.dump"
        _shell(PG_BACKUP.format(backup=backup), env)
        pg_env = {**env, **_libpq_env(server)}
        _shell(PG_CREATE.format(name=target, owner=owner), pg_env)
        _shell(PG_RESTORE.format(owner=owner, name=target, backup=backup), pg_env)
        assert _pg_rows(f"{server}/{target}") == _pg_rows(f"{server}/{source}")
        restored_env = _base_env(DATABASE_URL=f"{server}/{target}")
        assert "intact" in _verified(restored_env, checkpoints)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in (source, target):
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def _libpq_env(server: str) -> dict[str, str]:
    """createdb and pg_restore take the server from libpq's variables."""
    from urllib.parse import urlparse

    parts = urlparse(server)
    env = {"PGHOST": parts.hostname or "", "PGPORT": str(parts.port or 5432)}
    if parts.username:
        env["PGUSER"] = parts.username
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def _pg_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            query = sql.SQL("SELECT * FROM {} ORDER BY 1").format(sql.Identifier(table))
            rows[table] = sorted(connection.execute(query).fetchall(), key=repr)
        rows["(triggers)"] = connection.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
        ).fetchall()
        return rows
