"""Who may see and act on a consultation request. Deny by default; 404 for missing and
forbidden alike."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission

from .models import ConsultationRequest


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


def can_view(actor: Actor, request: ConsultationRequest) -> bool:
    if not actor.permissions:
        return False
    return is_requester(actor, request) or can_answer(actor, request)


def can_close(actor: Actor, request: ConsultationRequest) -> bool:
    return is_requester(actor, request) or can_answer(actor, request)


def ensure_can_answer(actor: Actor, request: ConsultationRequest) -> None:
    if not can_answer(actor, request):
        raise PermissionDenied


def get_request_for(actor: Actor, pk: int) -> ConsultationRequest:
    """The request ``pk`` if ``actor`` may see it; Http404 when missing *or* forbidden."""
    request = ConsultationRequest.objects.visible_to(actor).with_related().filter(pk=pk).first()
    if request is None or not can_view(actor, request):
        raise Http404
    return request
