"""Registration with a waiting list that moves up by itself, refusals of bad registrations,
attendance and the certificate only for those present, evaluation once, reminders once, and the
year's figures with small numbers suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.organizations.factories import OrganizationFactory
from palliare.training import services
from palliare.training.constants import CarrierKind, RegistrationStatus
from palliare.training.factories import RegistrationFactory, SessionFactory
from palliare.training.models import Evaluation, KnowledgeCarrier, Registration

pytestmark = pytest.mark.django_db


def test_register_takes_a_place_and_logs(nurse):
    session = SessionFactory(places=2)
    outcome = services.register(session, actor=nurse)
    assert not outcome.waiting
    reg = outcome.registration
    assert reg.status == RegistrationStatus.REGISTERED
    assert reg.organization_id == nurse.organization_id
    assert reg.discipline == nurse.membership.professional.discipline
    assert AuditEvent.objects.filter(event_type="training.registered").count() == 1


def test_full_session_puts_on_waiting_list_in_order(make_actor):
    session = SessionFactory(places=1)
    first, second, third = (make_actor(RoleCode.DISTRICT_NURSE) for _ in range(3))
    assert not services.register(session, actor=first).waiting
    out2 = services.register(session, actor=second)
    out3 = services.register(session, actor=third)
    assert out2.waiting and out3.waiting
    assert (out2.position, out3.position) == (1, 2)


def test_cancel_moves_the_first_waiting_up_and_mails_them(make_actor, english):
    session = SessionFactory(places=1)
    first, second, third = (make_actor(RoleCode.DISTRICT_NURSE) for _ in range(3))
    taken = services.register(session, actor=first).registration
    waiting = services.register(session, actor=second).registration
    services.register(session, actor=third)
    promoted = services.cancel_registration(taken, actor=first)
    assert [r.pk for r in promoted] == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED
    assert waiting.promoted_at is not None
    assert session.registrations.registered().count() == 1
    assert session.registrations.waiting().count() == 1


def test_moved_up_mail_is_sent_after_commit(make_actor, django_capture_on_commit_callbacks):
    session = SessionFactory(places=1)
    first, second = make_actor(RoleCode.DISTRICT_NURSE), make_actor(RoleCode.DISTRICT_NURSE)
    taken = services.register(session, actor=first).registration
    services.register(session, actor=second)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(taken, actor=first)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [second.user.email or second.membership.professional.email]
    assert session.course.title in mail.outbox[0].subject


def test_more_places_move_waiting_people_up(make_actor, coordinator):
    session = SessionFactory(places=1)
    actors = [make_actor(RoleCode.DISTRICT_NURSE) for _ in range(3)]
    for a in actors:
        services.register(session, actor=a)
    session.places = 3
    services.save_session(session, actor=coordinator)
    assert session.registrations.registered().count() == 3
    assert not session.registrations.waiting().exists()


def test_fewer_places_than_taken_refused(make_actor, coordinator, english):
    session = SessionFactory(places=2)
    for _ in range(2):
        services.register(session, actor=make_actor(RoleCode.DISTRICT_NURSE))
    session.places = 1
    with pytest.raises(ValidationError, match="already registered"):
        services.save_session(session, actor=coordinator)


def test_past_session_refused_in_dutch(nurse):
    session = SessionFactory(past=True)
    with pytest.raises(ValidationError) as exc:
        services.register(session, actor=nurse)
    assert "u kunt zich niet meer aanmelden" in exc.value.messages[0]
    assert not Registration.objects.exists()


def test_double_registration_refused(nurse):
    session = SessionFactory()
    services.register(session, actor=nurse)
    with pytest.raises(ValidationError) as exc:
        services.register(session, actor=nurse)
    assert "al aangemeld" in exc.value.messages[0]
    assert Registration.objects.count() == 1


def test_register_again_after_cancelling(nurse):
    session = SessionFactory()
    reg = services.register(session, actor=nurse).registration
    services.cancel_registration(reg, actor=nurse)
    again = services.register(session, actor=nurse).registration
    assert again.pk != reg.pk and again.status == RegistrationStatus.REGISTERED


def test_cancelled_session_refused(nurse, english):
    session = SessionFactory(cancelled_at=timezone.now())
    with pytest.raises(ValidationError, match="cancelled"):
        services.register(session, actor=nurse)


def test_role_without_permission_cannot_register(make_actor):
    with pytest.raises(PermissionDenied):
        services.register(SessionFactory(), actor=make_actor(RoleCode.PRIVACY_OFFICER))


def test_someone_else_cannot_cancel_my_registration(nurse, other_nurse):
    reg = services.register(SessionFactory(), actor=nurse).registration
    with pytest.raises(PermissionDenied):
        services.cancel_registration(reg, actor=other_nurse)


def test_cancel_twice_refused(nurse, english):
    reg = services.register(SessionFactory(), actor=nurse).registration
    services.cancel_registration(reg, actor=nurse)
    with pytest.raises(ValidationError, match="already cancelled"):
        services.cancel_registration(reg, actor=nurse)


def test_cancelling_a_waiting_registration_moves_nobody(make_actor):
    session = SessionFactory(places=1)
    a, b, c = (make_actor(RoleCode.DISTRICT_NURSE) for _ in range(3))
    services.register(session, actor=a)
    wb = services.register(session, actor=b).registration
    services.register(session, actor=c)
    assert services.cancel_registration(wb, actor=b) == []
    assert session.registrations.registered().count() == 1


def _started(session):
    session.starts_at = timezone.now() - dt.timedelta(hours=1)
    session.ends_at = timezone.now() + dt.timedelta(hours=1)
    session.save()


def test_attendance_and_certificate_only_for_those_present(make_actor, coordinator, english):
    session = SessionFactory(places=5)
    a, b = make_actor(RoleCode.DISTRICT_NURSE), make_actor(RoleCode.DISTRICT_NURSE)
    ra = services.register(session, actor=a).registration
    rb = services.register(session, actor=b).registration
    with pytest.raises(ValidationError, match="once the session has started"):
        services.record_attendance(session, actor=coordinator, present={ra.pk})
    _started(session)
    assert services.record_attendance(session, actor=coordinator, present={ra.pk}) == 1
    ra.refresh_from_db()
    rb.refresh_from_db()
    assert ra.attended is True and rb.attended is False
    assert services.certificate_registration(ra, actor=a) == ra
    with pytest.raises(ValidationError, match="present"):
        services.certificate_registration(rb, actor=b)
    with pytest.raises(PermissionDenied):
        services.certificate_registration(ra, actor=b)


def test_attendance_refuses_unknown_ids_and_non_organisers(nurse, coordinator):
    session = SessionFactory()
    reg = services.register(session, actor=nurse).registration
    _started(session)
    with pytest.raises(PermissionDenied):
        services.record_attendance(session, actor=nurse, present={reg.pk})
    with pytest.raises(ValidationError):
        services.record_attendance(session, actor=coordinator, present={reg.pk + 1000})


def test_evaluation_once_and_only_when_present(nurse, coordinator, english):
    session = SessionFactory()
    reg = services.register(session, actor=nurse).registration
    with pytest.raises(ValidationError, match="present"):
        services.submit_evaluation(reg, actor=nurse, rating=4, usefulness=5)
    _started(session)
    services.record_attendance(session, actor=coordinator, present={reg.pk})
    reg.refresh_from_db()
    services.submit_evaluation(reg, actor=nurse, rating=4, usefulness=5, comment="Goed")
    with pytest.raises(ValidationError, match="already evaluated"):
        services.submit_evaluation(reg, actor=nurse, rating=1, usefulness=1)


def test_evaluation_out_of_range_refused(nurse):
    reg = RegistrationFactory(
        professional=nurse.membership.professional, attended=True, session__past=True
    )
    with pytest.raises(ValidationError):
        services.submit_evaluation(reg, actor=nurse, rating=9, usefulness=1)
    assert not Evaluation.objects.exists()


def test_reminders_are_sent_once(make_actor):
    session = SessionFactory(starts_at=timezone.now() + dt.timedelta(days=1))
    services.register(session, actor=make_actor(RoleCode.DISTRICT_NURSE))
    services.register(session, actor=make_actor(RoleCode.DISTRICT_NURSE))
    far = SessionFactory(starts_at=timezone.now() + dt.timedelta(days=20))
    services.register(far, actor=make_actor(RoleCode.DISTRICT_NURSE))
    assert services.sessions_to_remind() == [session.pk]
    mail.outbox.clear()
    assert services.remind_session(session.pk) == 2
    assert len(mail.outbox) == 2
    assert services.remind_session(session.pk) == 0
    assert services.sessions_to_remind() == []
    assert len(mail.outbox) == 2


def test_knowledge_carriers_with_history(nurse, coordinator):
    org = OrganizationFactory()
    carrier = services.add_knowledge_carrier(
        KnowledgeCarrier(
            organization=org,
            professional=nurse.membership.professional,
            kind=CarrierKind.KNOWLEDGE_CARRIER,
        ),
        actor=coordinator,
    )
    session = SessionFactory()
    reg = services.register(session, actor=nurse).registration
    _started(session)
    services.record_attendance(session, actor=coordinator, present={reg.pk})
    history = services.training_history([nurse.membership.professional.pk])
    assert [r.pk for r in history[nurse.membership.professional.pk]] == [reg.pk]
    services.end_knowledge_carrier(carrier, actor=coordinator)
    assert carrier.until == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.add_knowledge_carrier(carrier, actor=nurse)


def test_year_figures_with_small_numbers_suppressed(make_actor, coordinator):
    year = timezone.localdate().year
    start = timezone.make_aware(dt.datetime(year, 1, 15, 10, 0))
    big_org = OrganizationFactory(name="Grote Zorg")
    small_org = OrganizationFactory(name="Kleine Zorg")
    session = SessionFactory(places=20, starts_at=timezone.now() + dt.timedelta(days=1))
    regs = []
    for _ in range(6):
        regs.append(
            services.register(
                session, actor=make_actor(RoleCode.DISTRICT_NURSE, organization=big_org)
            ).registration
        )
    for _ in range(2):
        regs.append(
            services.register(
                session, actor=make_actor(RoleCode.GP, organization=small_org)
            ).registration
        )
    session.starts_at, session.ends_at = start, start + dt.timedelta(hours=2)
    session.save()
    services.record_attendance(session, actor=coordinator, present={r.pk for r in regs})
    SessionFactory(places=5, starts_at=start, cancelled_at=timezone.now())  # not counted
    figures = services.year_figures(year)
    assert (figures.sessions, figures.places_offered, figures.places_taken) == (1, 20, 8)
    assert figures.participants == 8
    assert figures.by_organization == {"Grote Zorg": 6, "Kleine Zorg": "<5"}
    assert figures.by_discipline == {"general_practitioner": 8}
    raw = services.year_figures(year, suppress_small=False)
    assert raw.by_organization == {"Grote Zorg": 6, "Kleine Zorg": 2}


def test_suppress():
    assert [services.suppress(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]


def test_certificate_number_per_year_stable_and_unique(make_actor, coordinator, english):
    """A certificate carries "<year of the session>-<sequence in that year>", not the database
    id; printing it again gives the same number."""
    last_year, this_year = SessionFactory(places=5), SessionFactory(places=5)
    people = [make_actor(RoleCode.DISTRICT_NURSE) for _ in range(3)]
    regs = [services.register(last_year, actor=p).registration for p in people[:2]]
    later = services.register(this_year, actor=people[2]).registration
    _started(this_year)
    last_year.starts_at = timezone.now() - dt.timedelta(days=400)
    last_year.ends_at = last_year.starts_at + dt.timedelta(hours=2)
    last_year.save()
    for session, present in ((last_year, regs), (this_year, [later])):
        services.record_attendance(session, actor=coordinator, present={r.pk for r in present})
    numbers = [
        services.certificate_registration(
            Registration.objects.get(pk=r.pk), actor=p
        ).certificate_number
        for r, p in zip([later, *regs], [people[2], *people[:2]], strict=True)
    ]
    year = timezone.localtime(this_year.starts_at).year
    before = timezone.localtime(last_year.starts_at).year
    assert numbers == [f"{year}-0001", f"{before}-0001", f"{before}-0002"]
    again = Registration.objects.get(pk=regs[0].pk)
    assert services.certificate_registration(again, actor=people[0]).certificate_number == (
        f"{before}-0001"
    )


def test_certificate_number_taken_at_the_same_moment_is_retried(
    make_actor, coordinator, english, monkeypatch
):
    """Two first prints in the same year read the same last number: the one that saves second
    meets the unique constraint and takes the next number instead of failing."""
    from django.db.models import Min

    session = SessionFactory(places=5)
    people = [make_actor(RoleCode.DISTRICT_NURSE) for _ in range(3)]
    regs = [services.register(session, actor=p).registration for p in people]
    _started(session)
    services.record_attendance(session, actor=coordinator, present={r.pk for r in regs})
    for r, p in zip(regs[:2], people[:2], strict=True):
        services.certificate_registration(Registration.objects.get(pk=r.pk), actor=p)
    # The third print first sees a stale "last number" (as if the second print were not yet
    # committed), then the real one.
    stale = iter([Min])
    monkeypatch.setattr(services, "Max", lambda field: next(stale, Max)(field))
    number = services.certificate_registration(
        Registration.objects.get(pk=regs[2].pk), actor=people[2]
    ).certificate_number
    year = timezone.localtime(session.starts_at).year
    assert number == f"{year}-0003"
