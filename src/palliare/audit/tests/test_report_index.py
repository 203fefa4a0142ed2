"""The patient's access report reaches its events through indexes on PostgreSQL, so it does
not read the whole access log (bench/access_report.py: 550 → 4 ms at two million events)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from palliare.audit import report, services
from palliare.audit.constants import AuditAction

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_report_query_uses_the_indexes():
    """The expression in the query is the index's: with sequential scans discouraged, the
    planner reaches both arms of the OR through an index (on a large log it does so anyway;
    bench/access_report.py: 550 → 4 ms at two million rows)."""
    services.record(
        "register.list",
        actor=None,
        actor_name="tester",
        action=AuditAction.READ,
        patient_ids=[5, 6],
    )
    sql, params = report.events_for(SimpleNamespace(pk=5)).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_patients_shown" in plan, plan
    assert "audit_patient_time" in plan, plan
