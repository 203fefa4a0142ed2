"""A patient's events: rows about them and list views that showed them among others (on
PostgreSQL through an index: acute/tests/test_report_index.py)."""

from __future__ import annotations

import pytest

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
