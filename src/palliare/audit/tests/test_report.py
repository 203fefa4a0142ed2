"""The access report over the log, without the register: identical events of one day are one
line with a count, a list view that showed the patient is its own line, the CSV has a line per
event, and the report needs the register to reach its subject (issue 19 item 15)."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from palliare.accounts.permissions import RoleCode
from palliare.audit import report, services
from palliare.audit.constants import AuditAction, AuditPurpose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SUBJECT = SimpleNamespace(pk=5, full_name="A. Tester", date_of_birth=None, bsn="")


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _read(event: str = "register.patient_read", *, name: str = "Nurse A", **kwargs) -> None:
    services.record(
        event,
        actor=None,
        actor_name=name,
        action=AuditAction.READ,
        purpose=AuditPurpose.TREATMENT,
        **kwargs,
    )


def test_identical_events_of_a_day_are_one_line_and_the_csv_lists_each():
    for _ in range(3):
        _read(patient_id=5)
    _read(name="Nurse B", patient_id=5)
    _read("register.list", patient_ids=[5, 6])
    _read(patient_id=6)  # another patient: not in this report
    groups = list(report.grouped_for(SUBJECT))
    assert sorted(group["n"] for group in groups) == [1, 1, 3]
    rows = list(report.grouped_rows(groups))
    assert {row.who for row in rows} == {"Nurse A", "Nurse B"}
    listed = [row for row in rows if row.in_list]
    assert len(listed) == 1 and listed[0].what.endswith("(in a list of patients)")
    assert [row.count for row in rows if row.who == "Nurse A" and not row.in_list] == [3]
    lines = list(csv.reader(io.StringIO(report.as_csv(SUBJECT)), delimiter=";"))
    assert lines[0] == report.header()
    assert len(lines) == 1 + 5


def test_producing_the_report_is_logged_with_its_ground(make_actor):
    officer = make_actor(RoleCode.PRIVACY_OFFICER)
    report.record_report(officer, SUBJECT, export="csv", requested_as=report.AS_GP_PRACTICE)
    event = report.events_for(SUBJECT).get()
    assert event.event_type == "acute.access_report_exported"
    assert event.purpose == AuditPurpose.PRIVACY_REVIEW
    assert event.details == {"format": "csv", "requested_as": "gp_practice"}


def test_the_register_provides_the_subjects(monkeypatch):
    assert callable(report.subjects().find)
    monkeypatch.setattr(report, "_subjects", [])
    with pytest.raises(ImproperlyConfigured):
        report.subjects()
