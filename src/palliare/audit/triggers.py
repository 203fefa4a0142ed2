"""Database triggers that make the access log append-only in the database itself.

PostgreSQL: a row trigger refuses UPDATE and DELETE. SQLite: two triggers do the same; DELETE
is allowed only while a row exists in the unmanaged table ``audit_purge_permit``, which the
application never writes. The test suite sets that permit so Django can empty tables between
tests; production databases never have it. TRUNCATE is not a row operation: deny the
application's database role the TRUNCATE privilege (docs/operations.md).
"""

from __future__ import annotations

from typing import Any

PG_INSTALL = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only (NEN 7513)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
PG_REMOVE = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
"""
SQLITE_INSTALL = [
    "CREATE TABLE IF NOT EXISTS audit_purge_permit (id INTEGER PRIMARY KEY)",
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update
       BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only (NEN 7513)'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete
       BEFORE DELETE ON audit_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit)
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only (NEN 7513)'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


def install(cursor: Any, vendor: str) -> None:
    if vendor == "postgresql":
        cursor.execute(PG_INSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            cursor.execute(statement)


def remove(cursor: Any, vendor: str) -> None:
    if vendor == "postgresql":
        cursor.execute(PG_REMOVE)
    elif vendor == "sqlite":
        for statement in SQLITE_REMOVE:
            cursor.execute(statement)


def set_purge_permit(cursor: Any, vendor: str, *, allowed: bool) -> None:
    """Tests only: let Django's flush empty the log table on SQLite between tests."""
    if vendor != "sqlite":
        return
    cursor.execute("DELETE FROM audit_purge_permit")
    if allowed:
        cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
