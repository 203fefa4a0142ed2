"""Consultation requests: routed to the team on duty at the moment of asking (or the next team
in a gap), the state machine new → accepted → advised → closed, answering only by the receiving
team, advice kept as versions that are never overwritten, concurrent advice detected, time to
first response stored, and e-mails without patient details sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from palliare.accounts.permissions import RoleCode
from palliare.audit.models import AuditEvent
from palliare.consultations import services, tasks
from palliare.consultations.constants import (
    AgeGroup,
    ConsultationStatus,
    DiagnosisGroup,
    Dimension,
    Urgency,
)
from palliare.consultations.factories import (
    ConsultationRequestFactory,
    ConsultationTeamFactory,
    WeeklySlotFactory,
)
from palliare.consultations.models import (
    ConsultationAdvice,
    ConsultationRequest,
    InvalidTransition,
)
from palliare.consultations.models.requests import AppendOnly
from palliare.organizations.factories import SubregionFactory

pytestmark = pytest.mark.django_db

QUESTION = "Onrust en verwardheid in de laatste dagen; advies over midazolam?"


@pytest.fixture
def always(db):
    """One team on duty around the clock for a subregion (so tests do not depend on now)."""
    subregion = SubregionFactory()
    team = ConsultationTeamFactory(subregion=subregion, email="team@example.invalid")
    WeeklySlotFactory(subregion=subregion, team=team, always=True)
    return subregion, team


def ask(actor, subregion, **kw):
    return services.request_consultation(
        actor=actor,
        subregion=subregion,
        urgency=kw.get("urgency", Urgency.WITHIN_HOUR),
        dimension=Dimension.PSYCHOLOGICAL,
        question=QUESTION,
        age_group=AgeGroup.AGE_85_PLUS,
        diagnosis_group=DiagnosisGroup.DEMENTIA,
        callback_phone="0592 123 456",
    )


@pytest.fixture
def gp(make_actor):
    return make_actor(RoleCode.GP)


@pytest.fixture
def specialist(make_actor, always):
    return make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=always[1])


def test_request_goes_to_team_on_duty_and_notifies_it_without_details(
    gp, always, django_capture_on_commit_callbacks
):
    subregion, team = always
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(gp, subregion)
    assert request.team == team
    assert request.status == ConsultationStatus.NEW
    assert request.requesting_organization == gp.organization
    assert request.respond_by == request.created_at + dt.timedelta(hours=1)
    assert not request.routed_to_next_shift
    assert AuditEvent.objects.filter(event_type="consultations.request_created").count() == 1
    [message] = mail.outbox
    assert message.to == ["team@example.invalid"]
    assert request.reference in message.subject
    assert QUESTION not in message.body
    assert "dementie" not in message.body.lower()
    assert f"/consultations/requests/{request.pk}/" in message.body


def test_notification_is_sent_once(gp, always, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(gp, always[0])
    assert tasks.notify_team_of_request.call(request_id=request.pk) == 0
    assert len(mail.outbox) == 1


def test_gap_routes_to_next_team_on_duty(gp):
    subregion = SubregionFactory()
    later = ConsultationTeamFactory(subregion=subregion)
    # The only slot starts tomorrow at 08:00 (not valid before).
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    WeeklySlotFactory(
        subregion=subregion,
        team=later,
        days=0b1111111,
        valid_from=tomorrow,
        start_time=dt.time(8),
        end_time=dt.time(17),
    )
    request = ask(gp, subregion)
    assert request.team == later
    assert request.routed_to_next_shift


def test_nobody_on_duty_at_all_is_refused(gp):
    with pytest.raises(services.NobodyOnDuty):
        ask(gp, SubregionFactory())
    assert ConsultationRequest.objects.count() == 0


def test_asking_needs_permission(make_actor, always):
    with pytest.raises(PermissionDenied):
        ask(make_actor(RoleCode.AMBULANCE), always[0])


def test_accept_stores_time_to_first_response(gp, specialist, always):
    request = ask(gp, always[0])
    accepted = services.accept_request(request, actor=specialist)
    assert accepted.status == ConsultationStatus.ACCEPTED
    assert accepted.time_to_first_response == accepted.accepted_at - accepted.created_at
    assert accepted.accepted_by == specialist.user
    with pytest.raises(InvalidTransition):
        services.accept_request(request, actor=specialist)


def test_only_the_receiving_team_may_answer(gp, always, make_actor):
    request = ask(gp, always[0])
    other_team_specialist = make_actor(
        RoleCode.PALLIATIVE_SPECIALIST, organization=ConsultationTeamFactory()
    )
    with pytest.raises(PermissionDenied):
        services.accept_request(request, actor=other_team_specialist)
    with pytest.raises(PermissionDenied):
        services.record_advice(request, actor=gp, text="Geen idee")
    # A member of the team in a role without the permission to answer is refused too.
    coordinator_in_team = make_actor(RoleCode.NETWORK_COORDINATOR, organization=always[1])
    with pytest.raises(PermissionDenied):
        services.accept_request(request, actor=coordinator_in_team)


def test_advice_is_versioned_and_reaches_the_requester(
    gp, specialist, always, django_capture_on_commit_callbacks
):
    request = ask(gp, always[0])
    with django_capture_on_commit_callbacks(execute=True):
        first = services.record_advice(request, actor=specialist, text="Start midazolam 2,5 mg sc.")
    request.refresh_from_db()
    assert request.status == ConsultationStatus.ADVISED
    assert request.accepted_at is not None  # advice without accepting first accepts it
    assert request.first_advice_at == first.created_at
    with django_capture_on_commit_callbacks(execute=True):
        second = services.record_advice(
            request,
            actor=specialist,
            text="Aangevuld: ook haloperidol overwegen.",
            based_on_version=1,
        )
    assert (first.version, second.version) == (1, 2)
    assert list(request.advice_versions.values_list("text", flat=True)) == [
        "Aangevuld: ook haloperidol overwegen.",
        "Start midazolam 2,5 mg sc.",
    ]
    assert [m.to for m in mail.outbox] == [[gp.user.email], [gp.user.email]]
    assert QUESTION not in mail.outbox[0].body
    assert "midazolam" not in mail.outbox[0].body


def test_advice_is_never_overwritten_or_deleted(gp, specialist, always):
    advice = services.record_advice(ask(gp, always[0]), actor=specialist, text="Eerste advies")
    advice.text = "Overschreven"
    with pytest.raises(AppendOnly):
        advice.save()
    with pytest.raises(AppendOnly):
        advice.delete()
    assert ConsultationAdvice.objects.get(pk=advice.pk).text == "Eerste advies"


def test_concurrent_advice_is_detected(gp, specialist, always, make_actor):
    request = ask(gp, always[0])
    colleague = make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=always[1])
    services.record_advice(request, actor=colleague, text="Advies collega", based_on_version=0)
    with pytest.raises(services.StaleAdvice) as stale:
        services.record_advice(request, actor=specialist, text="Mijn advies", based_on_version=0)
    assert stale.value.latest == 1
    assert ConsultationAdvice.objects.filter(request=request).count() == 1


def test_close_by_requester_after_advice_only(gp, specialist, always, make_actor):
    request = ask(gp, always[0])
    with pytest.raises(InvalidTransition):
        services.close_request(request, actor=gp)
    services.record_advice(request, actor=specialist, text="Advies")
    with pytest.raises(PermissionDenied):
        services.close_request(request, actor=make_actor(RoleCode.GP))
    closed = services.close_request(request, actor=gp)
    assert closed.status == ConsultationStatus.CLOSED
    assert closed.closed_by == gp.user
    with pytest.raises(InvalidTransition):
        services.record_advice(closed, actor=specialist, text="Te laat")


def test_state_machine_guards_every_transition():
    request = ConsultationRequestFactory.build()
    assert request.can_transition_to(ConsultationStatus.ACCEPTED)
    for status in (ConsultationStatus.ADVISED, ConsultationStatus.CLOSED, ConsultationStatus.NEW):
        with pytest.raises(InvalidTransition):
            request.transition_to(status)


def test_visible_to_requester_and_receiving_team_only(gp, specialist, always, make_actor):
    request = ask(gp, always[0])
    assert list(ConsultationRequest.objects.visible_to(gp)) == [request]
    assert list(ConsultationRequest.objects.visible_to(specialist)) == [request]
    assert not ConsultationRequest.objects.visible_to(make_actor(RoleCode.GP)).exists()
    assert not ConsultationRequest.objects.visible_to(
        make_actor(RoleCode.PALLIATIVE_SPECIALIST, organization=ConsultationTeamFactory())
    ).exists()
