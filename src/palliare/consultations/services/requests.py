"""Consultation request services: ask, accept, advise (versioned), close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palliare.accounts.actors import Actor
from palliare.accounts.models import User
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.notifications import services as notifications
from palliare.notifications.messages import message
from palliare.organizations.models import Subregion
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Patient
from palliare.patients.services.common import practice_users
from palliare.patients.suggestions.engine import recompute_soon

from .. import access, schedule, tasks
from ..constants import ConsultationStatus, Urgency, age_group_for
from ..models import ConsultationAdvice, ConsultationRequest
from .rota import on_duty

# --- consultation requests ---------------------------------------------------------------


class NobodyOnDuty(Exception):
    """No team is on duty now nor within the look-ahead: the request cannot be routed."""


class NoConsentToShare(Exception):
    """The patient has not consented to sharing with the care team outside the GP practice,
    so a consultation team may not see them: ask about an anonymous case instead."""


class StaleAdvice(Exception):
    """Someone recorded a newer version of the advice while the author was writing."""

    def __init__(self, latest: int) -> None:
        super().__init__(latest)
        self.latest = latest


@dataclass(frozen=True)
class Routing:
    """Where a request goes: the assignment on duty, or the next one if the rota has a gap."""

    assignment: schedule.Assignment
    routed_to_next_shift: bool
    starts_at: dt.datetime


def route(subregion: Subregion, moment: dt.datetime) -> Routing:
    """The team on duty in ``subregion`` at ``moment``; in a gap, the next team on duty."""
    duty = on_duty(subregion, moment)
    if duty.primary is not None:
        return Routing(duty.primary, False, duty.current.start)
    if duty.next is not None and duty.next.primary is not None:
        return Routing(duty.next.primary, True, duty.next.start)
    raise NobodyOnDuty


@transaction.atomic
def request_consultation(
    *,
    actor: Actor,
    subregion: Subregion,
    urgency: str,
    dimension: str,
    question: str,
    diagnosis_group: str,
    age_group: str = "",
    callback_phone: str = "",
    patient: Patient | None = None,
) -> ConsultationRequest:
    """Ask the consultation team on duty for ``subregion`` now, about an anonymous case (age
    group and diagnosis group) or a registered patient the asker may see, who consented to
    sharing with the care team. Raises NobodyOnDuty or NoConsentToShare."""
    actor.require(Permission.REQUEST_CONSULTATION)
    assert actor.user is not None
    now = timezone.now()
    if patient is not None:
        if not Patient.objects.visible_to(actor).filter(pk=patient.pk).exists():
            raise PermissionDenied
        if not patient_services.has_active_consent(patient, ConsentScope.CARE_TEAM):
            raise NoConsentToShare
        age_group = age_group_for(patient.age_on(timezone.localdate()))
    routing = route(subregion, now)
    request = ConsultationRequest(
        urgency=urgency,
        dimension=dimension,
        question=question.strip(),
        patient=patient,
        age_group=age_group,
        diagnosis_group=diagnosis_group,
        subregion=subregion,
        team_id=routing.assignment.team_id,
        on_duty_specialist_id=routing.assignment.specialist_id,
        on_duty_phone=routing.assignment.phone,
        routed_to_next_shift=routing.routed_to_next_shift,
        requested_by=actor.user,
        requesting_organization=actor.organization,
        callback_phone=callback_phone,
        created_at=now,
        respond_by=ConsultationRequest.respond_by_for(urgency, max(now, routing.starts_at)),
    )
    request.full_clean()
    request.save()
    audit.record(
        "consultations.request_created",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=request.patient_id,
        subject=request,
        purpose=AuditPurpose.TREATMENT,
        details={
            "team_id": request.team_id,
            "subregion_id": subregion.pk,
            "urgency": urgency,
            "dimension": dimension,
            "routed_to_next_shift": request.routed_to_next_shift,
        },
    )
    _notify_team(request)
    request_id = request.pk
    transaction.on_commit(lambda: tasks.notify_team_of_request.enqueue(request_id=request_id))
    recompute_soon(request.patient_id)
    return request


def _notify_team(request: ConsultationRequest) -> None:
    """In the app: every member of the receiving team who may answer (no patient name)."""
    notifications.notify(
        practice_users(request.team_id, Permission.ANSWER_CONSULTATION),
        kind="consultation.requested",
        title=message(
            gettext_noop("New consultation request %(reference)s (urgency: %(urgency)s)"),
            reference=request.reference,
            urgency=Urgency(request.urgency).label,
        ),
        url=reverse("consultations:requests:detail", args=[request.pk]),
        exclude=request.requested_by,
    )


def _notify_advice(request: ConsultationRequest, advice: ConsultationAdvice) -> None:
    """In the app: the asker, and for a patient (with consent to share) the named members of
    the care team. The title names no patient: a notification outlives the recipient's access
    (consent withdrawn, request closed); the link leads through the access checks."""
    recipients: list[User] = [request.requested_by]
    title = message(
        gettext_noop("Advice from %(team)s on consultation request %(reference)s"),
        team=request.team.name,
        reference=request.reference,
    )
    patient = request.patient
    if patient is not None and patient_services.has_active_consent(patient, ConsentScope.CARE_TEAM):
        recipients += [
            m.professional.user
            for m in patient_services.current_care_team(patient).select_related(
                "professional__user"
            )
            if m.professional is not None and m.professional.user is not None
        ]
    notifications.notify(
        recipients,
        kind="consultation.advised",
        title=title,
        url=reverse("consultations:requests:detail", args=[request.pk]),
        patient_id=request.patient_id,
        exclude=advice.author,
    )


def _locked(request: ConsultationRequest) -> ConsultationRequest:
    return ConsultationRequest.objects.select_for_update().get(pk=request.pk)


_TIMELINE_FIELDS = [
    "status",
    "accepted_at",
    "accepted_by",
    "time_to_first_response",
    "first_advice_at",
    "closed_at",
    "closed_by",
    "updated_at",
]


@transaction.atomic
def accept_request(request: ConsultationRequest, *, actor: Actor) -> ConsultationRequest:
    """A member of the receiving team takes the request on; the response time is stored."""
    locked = _locked(request)
    access.ensure_can_answer(actor, locked)
    locked.transition_to(ConsultationStatus.ACCEPTED, by=actor.user)
    locked.save(update_fields=_TIMELINE_FIELDS)
    audit.record(
        "consultations.request_accepted",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=locked.patient_id,
        subject=locked,
        purpose=AuditPurpose.TREATMENT,
        details={"time_to_first_response_s": _seconds(locked.time_to_first_response)},
    )
    return locked


@transaction.atomic
def record_advice(
    request: ConsultationRequest,
    *,
    actor: Actor,
    text: str,
    based_on_version: int | None = None,
) -> ConsultationAdvice:
    """Record (a new version of) the advice. Earlier versions stay as they were.

    ``based_on_version`` is the latest version the author saw; if someone added a newer one
    meanwhile, :class:`StaleAdvice` is raised so nothing is silently superseded. A request
    that was not yet accepted is accepted in the same step.
    """
    locked = _locked(request)
    access.ensure_can_answer(actor, locked)
    assert actor.user is not None
    latest = locked.advice_versions.aggregate(v=Max("version"))["v"] or 0
    if based_on_version is not None and based_on_version != latest:
        raise StaleAdvice(latest)
    now = timezone.now()
    if locked.status == ConsultationStatus.NEW:
        locked.transition_to(ConsultationStatus.ACCEPTED, at=now, by=actor.user)
    locked.transition_to(ConsultationStatus.ADVISED, at=now, by=actor.user)
    locked.save(update_fields=_TIMELINE_FIELDS)
    advice = ConsultationAdvice.objects.create(
        request=locked,
        version=latest + 1,
        text=text.strip(),
        author=actor.user,
        author_name=str(actor.user)[:200],
        author_organization=actor.organization,
        created_at=now,
    )
    audit.record(
        "consultations.advice_recorded",
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=locked.patient_id,
        subject=advice,
        purpose=AuditPurpose.TREATMENT,
        details={"request_id": locked.pk, "version": advice.version},
    )
    _notify_advice(locked, advice)
    advice_id = advice.pk
    transaction.on_commit(lambda: tasks.notify_requester_of_advice.enqueue(advice_id=advice_id))
    return advice


@transaction.atomic
def close_request(request: ConsultationRequest, *, actor: Actor) -> ConsultationRequest:
    """Close an advised request (the asker, or the team)."""
    locked = _locked(request)
    if not access.can_close(actor, locked):
        raise PermissionDenied
    locked.transition_to(ConsultationStatus.CLOSED, by=actor.user)
    locked.save(update_fields=_TIMELINE_FIELDS)
    audit.record(
        "consultations.request_closed",
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=locked.patient_id,
        subject=locked,
        purpose=AuditPurpose.TREATMENT,
    )
    return locked


def _seconds(value: dt.timedelta | None) -> int | None:
    return int(value.total_seconds()) if value is not None else None
