"""The access log is append-only and tamper-evident: the application and the database refuse
changes, and verification names the first altered, inserted or removed row."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from palliare.audit import context, services, triggers
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.audit.models import AuditEvent, AuditLogImmutableError


def _write(n: int) -> list[AuditEvent]:
    return [
        services.record(
            f"test.event{i}",
            actor=None,
            actor_name="tester",
            action=AuditAction.READ,
            patient_id=42,
            purpose=AuditPurpose.TREATMENT,
            details={"i": i, "note": "ë"},
        )
        for i in range(n)
    ]


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tamper():
    """An attacker with database access: triggers off for the test, restored afterwards."""

    def disable() -> None:
        with connection.cursor() as cursor:
            triggers.remove(cursor, connection.vendor)

    yield disable
    with connection.cursor() as cursor:
        triggers.install(cursor, connection.vendor)


@pytest.fixture
def strict_database():
    """The production situation: no purge permit (tests normally hold one, see conftest)."""
    with connection.cursor() as cursor:
        triggers.set_purge_permit(cursor, connection.vendor, allowed=False)
    yield
    with connection.cursor() as cursor:
        triggers.set_purge_permit(cursor, connection.vendor, allowed=True)


def test_records_are_chained_and_verify():
    events = _write(5)
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[1].prev_hash == events[0].hash
    report = services.verify_chain()
    assert report.ok
    assert report.checked == 5


def test_record_carries_request_context():
    token = context.activate(context.RequestContext("req-12345678", "10.1.2.3", "pytest"))
    try:
        event = services.record("test.ctx", actor=None, action=AuditAction.READ)
    finally:
        context.deactivate(token)
    event.refresh_from_db()
    assert (event.request_id, event.client_ip, event.user_agent) == (
        "req-12345678",
        "10.1.2.3",
        "pytest",
    )
    assert services.verify_chain().ok


def test_application_refuses_update_and_delete():
    event = _write(1)[0]
    event.event_type = "changed"
    with pytest.raises(AuditLogImmutableError):
        event.save()
    with pytest.raises(AuditLogImmutableError):
        event.delete()
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(event_type="x")
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.all().delete()


def test_database_refuses_update_and_delete(strict_database):
    event = _write(1)[0]
    for statement in (
        "UPDATE audit_auditevent SET event_type = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).event_type == "test.event0"


def test_tampered_row_is_named(capsys, tamper):
    events = _write(4)
    tamper()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_name = 'someone else' WHERE id = %s", [events[2].pk]
        )
    report = services.verify_chain()
    assert not report.ok
    assert report.broken is not None
    assert report.broken.sequence == 3
    assert report.checked == 2
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit_log")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "#3" in err
    assert f"id {events[2].pk}" in err


def test_removed_middle_row_is_detected(tamper):
    events = _write(4)
    tamper()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = services.verify_chain()
    assert report.broken is not None
    assert report.broken.sequence == 3
    assert "removed" in report.broken.problem


def test_removed_newest_row_is_detected(tamper):
    events = _write(3)
    tamper()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = services.verify_chain()
    assert not report.ok
    assert "newest" in str(report.broken)


def test_verify_command_succeeds_on_intact_log(capsys):
    _write(3)
    call_command("verify_audit_log")
    assert "intact: 3 events" in capsys.readouterr().out


def test_stored_rows_equal_what_record_returned_and_verify():
    """Every field of the written row (hash and chain included, whether the database or this
    process computed the hash) is what ``record`` returned; text that looks like JSON, quotes,
    non-ASCII and an IP address survive the hashing."""
    token = context.activate(context.RequestContext("req-1", "2001:db8::1", 'agent "x" ë'))
    try:
        written = [
            services.record(
                "test.values",
                actor=None,
                actor_name='na"me',
                action=AuditAction.READ,
                patient_ids=[3, 1, 2],
                reason='{"prev_hash":"0","sequence":1}',
                details={"nested": {"list": [1, "twee"]}, "ü": None},
            )
            for _ in range(3)
        ]
    finally:
        context.deactivate(token)
    for event in written:
        stored = AuditEvent.objects.get(pk=event.pk)
        for name in (*services.HASHED_FIELDS, "hash"):
            assert getattr(stored, name) == getattr(event, name), name
        fields = (*services.HASHED_FIELDS, "key_id")
        assert services.compute_hash({n: getattr(stored, n) for n in fields}) == stored.hash
        assert stored.key_id == "ci"
    assert [e.sequence for e in written] == [1, 2, 3]
    assert written[1].prev_hash == written[0].hash
    assert services.verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server")
def test_concurrent_writers_keep_one_gapless_chain():
    """Writers in parallel (as gunicorn threads and processes are) never share a number or a
    link: the chain head's lock orders them."""
    import threading

    from django.db import connections

    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(n):
                services.record(f"test.parallel{i}", actor=None, action=AuditAction.READ)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(15,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == 90
    report = services.verify_chain()
    assert report.ok and report.checked == 90
