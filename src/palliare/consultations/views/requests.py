"""Consultation requests: ask, "my requests", the team inbox, and one request with its advice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import any_professional, require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.patients.access import get_patient_for
from palliare.patients.models import Patient
from palliare.ui.forms import parse_id

from .. import access, services
from ..constants import OPEN_STATUSES, URGENCY_RANK, ConsultationStatus, DiagnosisGroup
from ..forms import AdviceForm, ConsultationRequestForm
from ..models import ConsultationRequest, InvalidTransition

PAGE_SIZE = 25


@require_permission(Permission.REQUEST_CONSULTATION)
def mine(request: PalliareRequest) -> HttpResponse:
    """The consultation requests I asked, newest first, with their status."""
    requests = access.requests_asked_by(request.actor).order_by("-created_at")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/my_requests.html", {"page": page})


def _patient_from(request: PalliareRequest) -> Patient | None:
    """The patient named in ``?patient=``, opened through the access policy (logged)."""
    raw = request.GET.get("patient", "")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    return get_patient_for(request.actor, pk, event="consultations.request_form")


#: The register's diagnosis groups mapped onto the (finer) consultation diagnosis groups.
PATIENT_DIAGNOSIS = {"cancer": DiagnosisGroup.CANCER, "frailty_dementia": DiagnosisGroup.FRAILTY}


def _initial(request: PalliareRequest, patient: Patient | None) -> dict[str, Any]:
    organization = request.actor.organization
    initial: dict[str, Any] = {
        "subregion": organization.subregion_id if organization is not None else None
    }
    membership = request.actor.membership
    if membership is not None:
        initial["callback_phone"] = membership.phone or membership.professional.phone
    if patient is not None:
        if patient.postcode_area_id:
            try:
                _area, subregion = services.find_postcode_area(patient.postcode_area_id)
            except (services.PostcodeNotFound, services.OutsideNetwork):
                pass
            else:
                initial["subregion"] = subregion.pk
        initial["diagnosis_group"] = PATIENT_DIAGNOSIS.get(patient.diagnosis_group, "")
    return initial


@require_permission(Permission.REQUEST_CONSULTATION)
def new(request: PalliareRequest) -> HttpResponse:
    """Ask the consultation team on duty a question about an anonymous case, or about a
    registered patient (``?patient=<id>``) who consented to sharing with the care team."""
    patient = _patient_from(request)
    initial = _initial(request, patient)
    if request.method == "POST":
        form = ConsultationRequestForm(request.POST, initial=initial, patient=patient)
        if form.is_valid():
            try:
                consultation = services.request_consultation(
                    actor=request.actor, patient=patient, **form.cleaned_data
                )
            except services.NoConsentToShare:
                form.add_error(
                    None,
                    _(
                        "This patient has not consented to sharing with the care team outside "
                        "the GP practice. Record the consent first, or ask about an anonymous "
                        "case."
                    ),
                )
            except services.NobodyOnDuty:
                form.add_error(
                    None,
                    _(
                        "No consultation team is on duty in this subregion now or in the "
                        "coming two weeks, so the request cannot be sent. Call the network "
                        "coordinator."
                    ),
                )
            else:
                messages.success(request, _sent_message(consultation))
                return redirect("consultations:requests:detail", pk=consultation.pk)
    else:
        form = ConsultationRequestForm(initial=initial, patient=patient)
    return render(request, "consultations/request_form.html", {"form": form, "patient": patient})


def _sent_message(consultation: ConsultationRequest) -> str:
    if consultation.routed_to_next_shift:
        return _(
            "Nobody is on duty right now. Your request was sent to %(team)s, who are on duty next."
        ) % {"team": consultation.team.name}
    return _("Your request was sent to %(team)s, on duty now.") % {"team": consultation.team.name}


@any_professional
def detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """One request: the question, who has it, and every version of the advice."""
    consultation = access.get_request_for(request.actor, pk)
    return _render_detail(request, consultation)


def _render_detail(
    request: PalliareRequest,
    consultation: ConsultationRequest,
    advice_form: AdviceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = list(consultation.advice_versions.select_related("author_organization"))
    latest = versions[0].version if versions else 0
    can_answer = access.can_answer(request.actor, consultation)
    if advice_form is None and can_answer and consultation.status != ConsultationStatus.CLOSED:
        advice_form = AdviceForm(
            initial={"based_on_version": latest, "text": versions[0].text if versions else ""}
        )
    context: dict[str, Any] = {
        "consultation": consultation,
        "patient": access.patient_for_request(request.actor, consultation),
        "versions": versions,
        "latest": versions[0] if versions else None,
        "can_answer": can_answer,
        "can_accept": can_answer and consultation.status == ConsultationStatus.NEW,
        "can_close": access.can_close(request.actor, consultation)
        and consultation.can_transition_to(ConsultationStatus.CLOSED),
        "advice_form": advice_form if can_answer else None,
        "is_requester": access.is_requester(request.actor, consultation),
    }
    return render(request, "consultations/request_detail.html", context, status=status)


@require_permission(Permission.ANSWER_CONSULTATION)
@require_POST
def accept(request: PalliareRequest, pk: int) -> HttpResponse:
    consultation = access.get_request_for(request.actor, pk)
    try:
        services.accept_request(consultation, actor=request.actor)
    except InvalidTransition:
        messages.warning(request, _("This request was already accepted."))
    else:
        messages.success(request, _("You accepted the request. Call back or record advice."))
    return redirect("consultations:requests:detail", pk=pk)


@require_permission(Permission.ANSWER_CONSULTATION)
@require_POST
def advise(request: PalliareRequest, pk: int) -> HttpResponse:
    consultation = access.get_request_for(request.actor, pk)
    if not access.can_answer(request.actor, consultation):
        raise PermissionDenied
    form = AdviceForm(request.POST)
    if form.is_valid():
        try:
            advice = services.record_advice(
                consultation,
                actor=request.actor,
                text=form.cleaned_data["text"],
                based_on_version=form.cleaned_data["based_on_version"],
            )
        except services.StaleAdvice as stale:
            data = request.POST.copy()
            data["based_on_version"] = str(stale.latest)
            form = AdviceForm(data)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else recorded advice (version %(version)s) while you were "
                    "writing. Read it below before you save yours."
                )
                % {"version": stale.latest},
            )
        except InvalidTransition:
            form.add_error(None, _("This request is closed; advice can no longer be added."))
        else:
            messages.success(
                request,
                _("Advice version %(version)s was recorded; the asker can read it now.")
                % {"version": advice.version},
            )
            return redirect("consultations:requests:detail", pk=pk)
    consultation.refresh_from_db()
    return _render_detail(request, consultation, form, status=400)


@any_professional
@require_POST
def close(request: PalliareRequest, pk: int) -> HttpResponse:
    consultation = access.get_request_for(request.actor, pk)
    try:
        services.close_request(consultation, actor=request.actor)
    except InvalidTransition:
        messages.warning(request, _("Only a request with advice can be closed."))
    else:
        messages.success(request, _("The request was closed."))
    return redirect("consultations:requests:detail", pk=pk)


INBOX_TABS = ("open", "advised", "closed")


@require_permission(Permission.ANSWER_CONSULTATION)
def inbox(request: PalliareRequest) -> HttpResponse:
    """Requests to the team the actor answers for: the most urgent open ones first."""
    team = request.actor.organization
    tab = request.GET.get("status")
    tab = tab if tab in INBOX_TABS else "open"
    requests = access.requests_for_team(request.actor)
    counts: dict[str, int] = dict.fromkeys(INBOX_TABS, 0)
    if team is not None:
        counts = requests.aggregate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            advised=Count("pk", filter=Q(status=ConsultationStatus.ADVISED)),
            closed=Count("pk", filter=Q(status=ConsultationStatus.CLOSED)),
        )
        requests = requests.with_related()
        if tab == "open":
            rank = Case(
                *(When(urgency=u, then=Value(r)) for u, r in URGENCY_RANK.items()),
                output_field=IntegerField(),
            )
            requests = (
                requests.filter(status__in=OPEN_STATUSES)
                .annotate(rank=rank)
                .order_by("rank", "created_at")
            )
        elif tab == "advised":
            requests = requests.filter(status=ConsultationStatus.ADVISED).order_by(
                "-first_advice_at"
            )
        else:
            requests = requests.filter(status=ConsultationStatus.CLOSED).order_by("-closed_at")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/inbox.html",
        {"page": page, "tab": tab, "counts": counts, "team": team},
    )
