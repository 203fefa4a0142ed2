"""The GP practice's signal inbox, and the sender's view of their signals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from .. import access, services
from ..constants import SignalStatus
from ..forms import SignalResponseForm

INBOX_TABS = [SignalStatus.NEW, SignalStatus.ACKNOWLEDGED, SignalStatus.HANDLED]


@require_permission(Permission.HANDLE_SIGNALS)
def inbox(request: PalliareRequest) -> HttpResponse:
    """Signals for our practice: new first, with their age."""
    status = request.GET.get("status", SignalStatus.NEW)
    if status not in SignalStatus.values:
        status = SignalStatus.NEW
    inbox = access.signal_inbox(
        request.actor, SignalStatus(status), page=request.GET.get("page"), per_page=30
    )
    return render(
        request,
        "patients/signal_inbox.html",
        {
            "page": inbox.page,
            "status": status,
            "tabs": INBOX_TABS,
            "counts": inbox.counts,
            "now": timezone.now(),
            "response_form": SignalResponseForm(),
        },
    )


@require_permission(Permission.HANDLE_SIGNALS)
@require_POST
def acknowledge(request: PalliareRequest, pk: int) -> HttpResponse:
    signal = access.signal_for_recipient(request.actor, pk)
    try:
        services.acknowledge_signal(request.actor, signal)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Signal acknowledged."))
    return redirect("patients:signal_inbox")


@require_permission(Permission.HANDLE_SIGNALS)
@require_POST
def handle(request: PalliareRequest, pk: int) -> HttpResponse:
    signal = access.signal_for_recipient(request.actor, pk)
    form = SignalResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the sender what was done."))
        return redirect(f"{reverse('patients:signal_inbox')}?status={signal.status}")
    try:
        services.handle_signal(request.actor, signal, response=form.cleaned_data["response"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Signal handled; the sender can see what was done."))
    return redirect("patients:signal_inbox")


@require_permission(Permission.SEND_SIGNAL)
def sent(request: PalliareRequest) -> HttpResponse:
    """The signals I sent and what happened with them."""
    page = access.sent_signals(request.actor, page=request.GET.get("page"), per_page=30)
    return render(request, "patients/signals_sent.html", {"page": page})


@require_permission(Permission.SEND_SIGNAL)
def choose_patient(request: PalliareRequest) -> HttpResponse:
    """Start a signal: the patients my organisation cares for (care relationship)."""
    patients = access.signal_patients(request.actor, limit=200)
    return render(request, "patients/signal_choose.html", {"patients": patients})
