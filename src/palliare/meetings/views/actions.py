"""Action items: my open actions, and ticking them off (or reopening them)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.patients import access as patient_access

from .. import access, services
from ..forms import ActionStepForm
from ..models import ActionItem
from .common import back


def get_action_for(request: PalliareRequest, action_pk: int) -> ActionItem:
    """An action the actor owns or whose meeting they maintain; 404 otherwise."""
    action = get_object_or_404(
        ActionItem.objects.select_related("meeting__core_team", "owner", "patient"), pk=action_pk
    )
    actor = request.actor
    mine = ActionItem.objects.for_owner(actor).filter(pk=action.pk).exists()
    if not mine and not access.manages(actor, action.meeting.core_team):
        raise Http404
    return action


@require_permission(Permission.VIEW_PATIENT)
def my_actions(request: PalliareRequest) -> HttpResponse:
    """What did the meetings ask of me, and what is overdue?"""
    actor = request.actor
    mine = ActionItem.objects.for_owner(actor).select_related(
        "meeting__core_team", "patient", "owner", "owner_organization"
    )
    open_actions = list(mine.open().order_by("due_on", "pk")[:200])
    since = timezone.now() - dt.timedelta(days=30)
    done = list(mine.done().filter(done_at__gte=since).order_by("-done_at")[:50])
    visible = access.visible_patient_ids(actor, [a.patient_id for a in open_actions + done])
    patient_access.list_shown(
        actor,
        "meetings.my_actions_viewed",
        open_actions + done,
        lambda action: action.patient if action.patient_id in visible else None,
    )
    return render(
        request,
        "meetings/my_actions.html",
        {
            "open_actions": open_actions,
            "done": done,
            "visible": visible,
            "today": timezone.localdate(),
            "step_form": ActionStepForm(),
        },
    )


@require_permission(Permission.VIEW_PATIENT)
@require_POST
def action_done(request: PalliareRequest, action_pk: int) -> HttpResponse:
    action = get_action_for(request, action_pk)
    form = ActionStepForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.complete_action_item(request.actor, action, note=note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Action done."))
    return back(request, "meetings:my_actions")


@require_permission(Permission.VIEW_PATIENT)
@require_POST
def action_reopen(request: PalliareRequest, action_pk: int) -> HttpResponse:
    action = get_action_for(request, action_pk)
    try:
        services.reopen_action_item(request.actor, action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Action open again."))
    return back(request, "meetings:my_actions")
