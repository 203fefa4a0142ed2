"""The GP hears of emergency access (issue 18 item 3); every acute search leaves a row (issue
19 item 3).

- An emergency access is told to the patient's lead practitioner and GP practice at 08:00 on
  the next working day (weekends and Dutch public holidays skipped), once, linking to the
  access report; not before it is due, never to the one who used it.
- An acute search with exactly one match is logged with its legal ground.

The access report itself (practitioner and privacy officer, grouping, bounds) is tested in
tests/test_access_report.py since it moved to the audit app (issue 19 item 15)."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.acute import services
from palliare.acute.factories import EmergencyAccessFactory
from palliare.acute.models import EmergencyAccess
from palliare.audit.constants import AuditPurpose
from palliare.audit.models import AuditEvent
from palliare.notifications.models import Notification
from palliare.organizations.constants import OrganizationType
from palliare.organizations.factories import OrganizationFactory
from palliare.patients.constants import CareTeamRole, ConsentScope
from palliare.patients.factories import CareTeamMemberFactory, ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    ("started", "due"),
    [
        (_at(2026, 12, 8, 3, 10), _at(2026, 12, 9, 8)),  # Tuesday night → Wednesday
        (_at(2026, 12, 11, 23, 0), _at(2026, 12, 14, 8)),  # Friday → Monday
        (_at(2026, 12, 24, 2, 0), _at(2026, 12, 28, 8)),  # Christmas and weekend skipped
        (_at(2027, 4, 26, 12, 0), _at(2027, 4, 28, 8)),  # King's Day (27 April) skipped
    ],
)
def test_notice_is_due_the_next_working_day_at_eight(started, due):
    assert services.practice_notice_due(started) == due


@pytest.fixture
def practice():
    return OrganizationFactory(type=OrganizationType.GP_PRACTICE, name="Praktijk De Linde")


@pytest.fixture
def world(make_actor, practice):
    """A patient of the practice, its GP and practice nurse, a lead practitioner elsewhere
    (a palliative specialist), a district nurse in the team, and an emergency access."""
    gp = make_actor(RoleCode.GP, organization=practice)
    poh = make_actor(RoleCode.PRACTICE_NURSE, organization=practice)
    team = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    specialist = make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=team)
    nurse = make_actor(RoleCode.DISTRICT_NURSE, organization=team)
    patient = PatientFactory(gp_practice=practice, family_name="Hofstede")
    ConsentFactory(patient=patient, scope=ConsentScope.CARE_TEAM)
    CareTeamMemberFactory(
        patient=patient,
        organization=team,
        professional=specialist.membership.professional,
        role=CareTeamRole.PALLIATIVE_SPECIALIST,
        is_lead_practitioner=True,
    )
    CareTeamMemberFactory(
        patient=patient,
        organization=team,
        professional=nurse.membership.professional,
        role=CareTeamRole.DISTRICT_NURSE,
    )
    hap = make_actor(
        RoleCode.OUT_OF_HOURS_GP,
        organization=OrganizationFactory(
            type=OrganizationType.OUT_OF_HOURS_GP_POST, name="HAP Zuid"
        ),
    )
    grant = EmergencyAccessFactory(
        patient=patient,
        user=hap.user,
        organization=hap.organization,
        organization_name="HAP Zuid",
        started_at=_at(2026, 12, 11, 23, 0),
        expires_at=_at(2026, 12, 12, 3, 0),
    )
    return {
        "gp": gp,
        "poh": poh,
        "specialist": specialist,
        "nurse": nurse,
        "hap": hap,
        "patient": patient,
        "grant": grant,
    }


def test_practice_and_lead_are_told_once_the_next_working_day(world):
    grant = world["grant"]
    assert services.notify_practice_of_emergency_access(grant.pk, now=_at(2026, 12, 13, 9)) == 0
    assert not Notification.objects.exists()  # Sunday: not yet

    told = services.notify_due_practices(now=_at(2026, 12, 14, 8, 5))
    assert told == 1
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {
        world["gp"].user.pk,
        world["poh"].user.pk,
        world["specialist"].user.pk,  # the lead practitioner, in another organisation
    }
    note = Notification.objects.filter(recipient=world["gp"].user).get()
    assert note.url == reverse("audit:practice_access_report", args=[world["patient"].pk])
    assert "HAP Zuid" in note.title and "Hofstede" not in note.title
    assert note.title.startswith("Noodtoegang")
    grant.refresh_from_db()
    assert grant.practice_notified_at == _at(2026, 12, 14, 8, 5)
    # Idempotent: a second sweep and the deferred task tell no one twice.
    assert services.notify_due_practices(now=_at(2026, 12, 15, 8)) == 0
    assert services.notify_practice_of_emergency_access(grant.pk, now=_at(2026, 12, 15, 8)) == 0
    assert Notification.objects.count() == 3


def test_the_one_who_broke_the_glass_is_not_told(world, make_actor, practice):
    """A GP of the practice who worked a shift at the post and used emergency access."""
    grant = world["grant"]
    EmergencyAccess.objects.filter(pk=grant.pk).update(user=world["gp"].user)
    services.notify_due_practices(now=_at(2026, 12, 14, 9))
    assert not Notification.objects.filter(recipient=world["gp"].user).exists()


def test_starting_emergency_access_schedules_the_notice_where_the_backend_can_wait(
    world, django_capture_on_commit_callbacks
):
    """A backend that can wait (the database backend in production; here the dummy one) gets
    the practice's notice with ``run_after`` at the next working day, 08:00."""
    from django.test import override_settings
    from django_tasks.signals import task_enqueued

    from palliare.acute.constants import EmergencyReason

    enqueued = []

    def remember(sender, task_result, **kwargs):
        enqueued.append(task_result)

    task_enqueued.connect(remember)
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    try:
        with override_settings(TASKS=dummy), django_capture_on_commit_callbacks(execute=True):
            grant = services.start_emergency_access(
                world["hap"],
                world["patient"],
                reason_code=EmergencyReason.UNABLE_TO_CONSENT,
                reason="Bewusteloos aangetroffen, familie onbereikbaar.",
            )
    finally:
        task_enqueued.disconnect(remember)
    notices = [r for r in enqueued if r.task.name == "notify_practice_of_emergency_access"]
    assert len(notices) == 1
    assert notices[0].args == [grant.pk] or list(notices[0].args) == [grant.pk]
    assert notices[0].task.run_after == services.practice_notice_due(grant.started_at)
    assert not Notification.objects.filter(recipient=world["gp"].user).exists()


def test_the_daily_command_sends_due_notices(world, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(timezone, "now", lambda: _at(2026, 12, 14, 8, 30))
    out = io.StringIO()
    call_command("notify_emergency_access", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert Notification.objects.filter(recipient=world["gp"].user).exists()


def test_single_match_acute_search_is_logged_with_its_ground(make_actor, client_for):
    hap = make_actor(
        RoleCode.OUT_OF_HOURS_GP,
        organization=OrganizationFactory(type=OrganizationType.OUT_OF_HOURS_GP_POST),
    )
    shared, unshared = PatientFactory(), PatientFactory()
    ConsentFactory(patient=shared, scope=ConsentScope.ACUTE_CARE)
    client = client_for(hap)
    for patient in (shared, unshared):
        assert client.post(reverse("acute:search"), {"bsn": patient.bsn}).status_code == 302
    searches = AuditEvent.objects.filter(event_type="acute.search").order_by("sequence")
    assert [(e.patient_id, e.purpose) for e in searches] == [
        (shared.pk, AuditPurpose.CONSENT),
        (unshared.pk, AuditPurpose.TREATMENT),
    ]
    assert all(e.details == {"by": "bsn", "matches": 1} for e in searches)
