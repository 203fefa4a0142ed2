"""Action items: my open actions, and ticking them off (or reopening them)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .. import access, services
from ..forms import ActionStepForm
from .common import back


@require_permission(Permission.VIEW_PATIENT)
def my_actions(request: PalliareRequest) -> HttpResponse:
    """What did the meetings ask of me, and what is overdue?"""
    mine = access.my_actions(request.actor)
    return render(
        request,
        "meetings/my_actions.html",
        {
            "open_actions": mine.open_actions,
            "done": mine.done,
            "visible": mine.visible,
            "today": timezone.localdate(),
            "step_form": ActionStepForm(),
        },
    )


@require_permission(Permission.VIEW_PATIENT)
@require_POST
def action_done(request: PalliareRequest, action_pk: int) -> HttpResponse:
    action = access.get_action_for(request.actor, action_pk)
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
    action = access.get_action_for(request.actor, action_pk)
    try:
        services.reopen_action_item(request.actor, action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Action open again."))
    return back(request, "meetings:my_actions")
