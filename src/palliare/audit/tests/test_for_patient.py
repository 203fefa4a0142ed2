"""A patient's events: rows about them and list views that showed them among others — found
through an index on PostgreSQL, so the access report does not read the whole log."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from palliare.audit import services
from palliare.audit.constants import AuditAction

pytestmark = pytest.mark.django_db


def _event(kind: str, **kwargs):
    return services.record(kind, actor=None, actor_name="tester", action=AuditAction.READ, **kwargs)


def test_for_patient_finds_own_rows_and_lists_that_showed_them():
    from palliare.audit.models import AuditEvent

    own = _event("patient.read", patient_id=1)
    listed = _event("register.list", patient_ids=[11, 1, 101])
    _event("register.list", patient_ids=[11, 21, 101, 1001])  # 1 only as part of other ids
    _event("patient.read", patient_id=11)
    found = set(AuditEvent.objects.for_patient(1).values_list("pk", flat=True))
    assert found == {own.pk, listed.pk}
    assert AuditEvent.objects.for_patient(21).count() == 1
    assert not AuditEvent.objects.for_patient(2).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_report_query_uses_the_indexes():
    """The expression in the query is the index's: with sequential scans discouraged, the
    planner reaches both arms of the OR through an index (on a large log it does so anyway;
    bench/access_report.py: 550 → 4 ms at two million rows)."""
    from palliare.acute import report
    from palliare.patients.models import Patient

    _event("register.list", patient_ids=[5, 6])
    sql, params = report.events_for(Patient(pk=5)).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_patients_shown" in plan, plan
    assert "audit_patient_time" in plan, plan
