"""The responsible person's care-plan goals: the list, and recording a goal's progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest, safe_url
from palliare.patients import access

from . import access as careplan_access
from . import goals, services
from .constants import FOLLOW_UP_STATUSES, GoalStatus
from .worklist import owner_goals


@require_permission(Permission.VIEW_PATIENT)
def my_goals(request: PalliareRequest) -> HttpResponse:
    """Which care-plan goals am I responsible for, and how far are they?"""
    found = owner_goals(request.actor)
    items = access.list_shown(
        request.actor,
        "careplans.goals_viewed",
        found.order_by("status", "plan__patient__family_name", "position")[:200]
        if found is not None
        else [],
        lambda goal: goal.plan.patient,
    )
    return render(
        request, "careplans/my_goals.html", {"items": items, "statuses": FOLLOW_UP_STATUSES}
    )


@require_permission(Permission.VIEW_PATIENT)
@require_POST
def goal_status(request: PalliareRequest, goal_pk: int) -> HttpResponse:
    """Record a goal's progress (a new plan version); a goal one may not follow up is not
    found, like a patient one may not see."""
    goal = careplan_access.goal_for_follow_up(request.actor, goal_pk)
    raw = request.POST.get("status", "")
    if raw not in [str(s) for s in FOLLOW_UP_STATUSES]:
        messages.error(request, _("Choose a status for the goal."))
    else:
        try:
            goals.set_goal_status(request.actor, goal, GoalStatus(raw))
        except PermissionDenied:
            raise Http404 from None
        except (ValidationError, services.PlanConflict) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text)
        else:
            messages.success(request, _("The goal's status is saved in a new plan version."))
    return redirect(safe_url(request, request.POST.get("next"), reverse("careplans:my_goals")))
