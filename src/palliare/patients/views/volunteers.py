"""The volunteer organisation (VPTZ) takes requests: its inbox, and its answer to each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .. import access, services
from ..constants import VolunteerStatus
from ..models import Patient
from ..volunteer_inbox import inbox_for


@require_permission(Permission.VIEW_PATIENT)
def inbox(request: PalliareRequest) -> HttpResponse:
    """Which requests for volunteers wait for us, and which deployments run?"""
    steps = list(inbox_for(request.actor)[:200])
    ids = [s.patient_id for s in steps]
    visible = (
        set(
            Patient.objects.visible_to(request.actor)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        if ids
        else set()
    )
    shown = access.list_shown(
        request.actor,
        "volunteers.inbox_viewed",
        steps,
        lambda step: step.patient if step.patient_id in visible else None,
    )
    return render(request, "patients/volunteer_inbox.html", {"steps": shown, "visible": visible})


@require_permission(Permission.VIEW_PATIENT)
@require_POST
def answer(request: PalliareRequest, step_pk: int, status: str) -> HttpResponse:
    """Accept, decline, start or end: the next step of a deployment addressed to us."""
    step = inbox_for(request.actor).filter(pk=step_pk).first()
    if step is None or status not in VolunteerStatus.values:
        raise Http404
    try:
        services.record_volunteer_step(
            request.actor,
            step.patient,
            status=VolunteerStatus(status),
            note=request.POST.get("note", "")[:500],
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved; the requester is told where needed."))
    return redirect("patients:volunteer_inbox")
