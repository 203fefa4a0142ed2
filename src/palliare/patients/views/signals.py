"""The GP practice's signal inbox, and the sender's view of their signals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
from ..models import CareTeamMember, Patient, Signal

INBOX_TABS = [SignalStatus.NEW, SignalStatus.ACKNOWLEDGED, SignalStatus.HANDLED]


def _signal_patient(signal: Signal) -> Patient:
    return signal.patient


def _itself(patient: Patient) -> Patient:
    return patient


@require_permission(Permission.HANDLE_SIGNALS)
def inbox(request: PalliareRequest) -> HttpResponse:
    """Signals for our practice: new first, with their age."""
    status = request.GET.get("status", SignalStatus.NEW)
    if status not in SignalStatus.values:
        status = SignalStatus.NEW
    signals = (
        Signal.objects.filter(recipient_id=request.actor.organization_id, status=status)
        .select_related("patient", "sender_organization")
        .order_by("created_at" if status != SignalStatus.HANDLED else "-handled_at")
    )
    page = access.page_shown(
        request.actor,
        "signals.inbox_viewed",
        signals,
        _signal_patient,
        page=request.GET.get("page"),
        per_page=30,
    )
    counts = {
        s: Signal.objects.filter(recipient_id=request.actor.organization_id, status=s).count()
        for s in (SignalStatus.NEW, SignalStatus.ACKNOWLEDGED)
    }
    return render(
        request,
        "patients/signal_inbox.html",
        {
            "page": page,
            "status": status,
            "tabs": INBOX_TABS,
            "counts": counts,
            "now": timezone.now(),
            "response_form": SignalResponseForm(),
        },
    )


def _recipient_signal(request: PalliareRequest, pk: int) -> Signal:
    return get_object_or_404(
        Signal.objects.select_related("patient"), pk=pk, recipient_id=request.actor.organization_id
    )


@require_permission(Permission.HANDLE_SIGNALS)
@require_POST
def acknowledge(request: PalliareRequest, pk: int) -> HttpResponse:
    signal = _recipient_signal(request, pk)
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
    signal = _recipient_signal(request, pk)
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
    signals = (
        Signal.objects.filter(sender_id=request.user.pk)
        .select_related("patient", "recipient")
        .order_by("-created_at")
    )
    page = access.page_shown(
        request.actor,
        "signals.sent_viewed",
        signals,
        _signal_patient,
        page=request.GET.get("page"),
        per_page=30,
    )
    return render(request, "patients/signals_sent.html", {"page": page})


@require_permission(Permission.SEND_SIGNAL)
def choose_patient(request: PalliareRequest) -> HttpResponse:
    """Start a signal: the patients my organisation cares for (care relationship)."""
    org_id = request.actor.organization_id or 0
    member_of = CareTeamMember.objects.current().filter(organization_id=org_id).values("patient_id")
    patients = access.list_shown(
        request.actor,
        "signals.patients_listed",
        Patient.objects.alive()
        .filter(pk__in=member_of)
        .select_related("gp_practice")
        .order_by("family_name")[:200],
        _itself,
    )
    return render(request, "patients/signal_choose.html", {"patients": patients})
