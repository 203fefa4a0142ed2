"""Who may see and act on a consultation request. Deny by default; 404 for missing and
forbidden alike.

- the asker sees their own requests;
- members of the receiving team (acting for it, with ``ANSWER_CONSULTATION``) see and answer
  the requests routed to their team;
- for a request about a registered patient, everyone who may see that patient (the patient's
  GP practice, the care team with consent — ``patients.access``) sees the request and its
  advice.

This module also registers the consultation relationship with ``patients.access``: while a
request about a patient is open, the receiving team may open that patient's record, if the
patient consented to sharing with the care team.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditPurpose
from palliare.patients import access as patient_access
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Patient

from .constants import ConsultationStatus
from .models import ConsultationRequest
from .querysets import ConsultationRequestQuerySet


def _consultation_patient_ids(actor: Actor) -> QuerySet[Any]:
    """Patients with a request to the actor's team that is not closed."""
    return (
        ConsultationRequest.objects.filter(
            team_id=actor.organization_id or 0, patient_id__isnull=False
        )
        .exclude(status=ConsultationStatus.CLOSED)
        .order_by()
        .values("patient_id")
    )


patient_access.register_relationship(
    patient_access.RelationshipRule(
        "consultation", _consultation_patient_ids, ConsentScope.CARE_TEAM, AuditPurpose.CONSENT
    )
)


def is_requester(actor: Actor, request: ConsultationRequest) -> bool:
    return actor.user is not None and request.requested_by_id == actor.user.pk


def can_answer(actor: Actor, request: ConsultationRequest) -> bool:
    """Members of the receiving team, acting for it, with the permission to answer."""
    return (
        actor.user is not None
        and actor.has(Permission.ANSWER_CONSULTATION)
        and actor.organization_id is not None
        and actor.organization_id == request.team_id
    )


def can_see_patient(actor: Actor, request: ConsultationRequest) -> bool:
    """Whether the actor may see the patient the request is about (now)."""
    if request.patient_id is None:
        return False
    return Patient.objects.visible_to(actor).filter(pk=request.patient_id).exists()


def can_close(actor: Actor, request: ConsultationRequest) -> bool:
    return is_requester(actor, request) or can_answer(actor, request)


def ensure_can_answer(actor: Actor, request: ConsultationRequest) -> None:
    if not can_answer(actor, request):
        raise PermissionDenied


def requests_asked_by(actor: Actor) -> ConsultationRequestQuerySet:
    """The requests ``actor``'s account asked (any organisation it acted for), with what the
    lists show. None for an actor without an account (an API client)."""
    if actor.user is None:
        return ConsultationRequest.objects.none()
    return ConsultationRequest.objects.requested_by_user(actor.user.pk).with_related()


def requests_for_team(actor: Actor) -> ConsultationRequestQuerySet:
    """The requests routed to the team ``actor`` answers for (the organisation they act for,
    with ``ANSWER_CONSULTATION``); none otherwise."""
    team = actor.organization
    if team is None or not actor.has(Permission.ANSWER_CONSULTATION):
        return ConsultationRequest.objects.none()
    return ConsultationRequest.objects.for_team(team.pk)


def get_request_for(actor: Actor, pk: int) -> ConsultationRequest:
    """The request ``pk`` if ``actor`` may see it; Http404 when missing *or* forbidden."""
    request = ConsultationRequest.objects.visible_to(actor).with_related().filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def patient_for_request(actor: Actor, request: ConsultationRequest) -> Patient | None:
    """Opening a request about a registered patient reads that patient's data (NEN 7513).

    The patient, opened through ``patients.access.get_patient_for`` (logged), when the actor may
    see them now. Otherwise — consent withdrawn, request closed — the asker and the team still
    read the question and the advice: that is logged against the patient too, and no patient
    details are returned."""
    if request.patient_id is None:
        return None
    details = {"request": request.reference}
    if can_see_patient(actor, request):
        return patient_access.get_patient_for(
            actor, request.patient_id, event="consultations.request_read", details=details
        )
    audit.record(
        "consultations.request_read",
        actor=actor,
        action=AuditAction.READ,
        patient_id=request.patient_id,
        subject=request,
        purpose=AuditPurpose.TREATMENT,
        details=details | {"patient_shown": False},
    )
    return None
