"""Referral pages: refer a patient, the receiving organisation's inbox, one referral with its
course and feedback, and the network coordinator's overview of feedback."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import any_professional, require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.capacity.cards import bed_state
from palliare.capacity.models import Facility
from palliare.careplans.display import present
from palliare.careplans.services import current_plan
from palliare.monitoring import suppression
from palliare.patients import access as patient_access
from palliare.ui.forms import apply_errors, parse_id

from . import access, services
from .access import open_referral
from .constants import MissingItem, PlanQuality, ReferralStatus, ReferralUrgency
from .forms import AdmissionForm, FeedbackForm, NoteForm, ReasonForm, ReferralForm


@require_permission(Permission.SEND_REFERRAL)
def create(request: PalliareRequest, patient_pk: int) -> HttpResponse:
    """Refer a patient (the referrer must be able to see the patient)."""
    patient = patient_access.get_patient_for(request.actor, patient_pk, event="referrals.form_read")
    initial: dict[str, object] = {}
    if request.actor.membership is not None:
        initial["referrer_phone"] = (
            request.actor.membership.phone or request.actor.membership.professional.phone
        )
    # Pre-filled from the bed search ("refer" at a facility), or the choices so far when htmx
    # reloads the facilities of the chosen organisation.
    organization_id = parse_id(request.GET.get("receiving_organization"))
    facility_id = parse_id(request.GET.get("facility"))
    chosen = (
        Facility.objects.active().filter(pk=facility_id).first()
        if facility_id is not None
        else None
    )
    if chosen is not None and organization_id in (None, chosen.organization_id):
        organization_id = chosen.organization_id
        initial["facility"] = chosen.pk
    if organization_id is not None:
        initial["receiving_organization"] = organization_id
    refresh = request.method == "POST" and "choose" in request.POST
    if refresh:  # without JavaScript: "show its places" posts the choices so far; not sent
        organization_id = parse_id(request.POST.get("receiving_organization"))
        initial |= request.POST.dict()
    bound = None if refresh else (request.POST or None)
    form = ReferralForm(bound, initial=initial, organization_id=organization_id)
    if request.method == "POST" and not refresh and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.send_referral(
                request.actor,
                patient,
                receiving_organization=data["receiving_organization"],
                facility=data["facility"],
                urgency=ReferralUrgency(data["urgency"]),
                desired_date=data["desired_date"],
                question=data["question"],
                referrer_phone=data["referrer_phone"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The referral was sent."))
            return redirect("referrals:detail", referral.pk)
    facility = form.chosen_facility()
    return render(
        request,
        "referrals/form.html",
        {
            "patient": patient,
            "form": form,
            "facility": facility,
            "facility_state": bed_state(facility.current_status) if facility else "",
            "facility_stale": facility.is_stale() if facility else False,
        },
    )


def _list(request: PalliareRequest, title: str, side: str) -> HttpResponse:
    status = request.GET.get("status", "open")
    page = access.list_page(
        request.actor, side=side, status=status, page=request.GET.get("page"), per_page=30
    )
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "title": title,
            "side": side,
            "status": status,
            "statuses": [("open", _("open")), *ReferralStatus.choices],
        },
    )


@require_permission(Permission.RECEIVE_REFERRAL)
def received(request: PalliareRequest) -> HttpResponse:
    """Referrals to our organisation, the newest open ones first."""
    return _list(request, _("Referrals to us"), "received")


@require_permission(Permission.SEND_REFERRAL)
def sent(request: PalliareRequest) -> HttpResponse:
    """Referrals our organisation sent, and what became of them."""
    return _list(request, _("Our referrals"), "sent")


@any_professional
def detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """One referral: the request, its course, the care-plan summary where allowed, feedback."""
    opened = open_referral(request.actor, pk)
    referral = opened.referral
    plan = current_plan(referral.patient) if opened.may_see_plan else None
    version = plan.current_version if plan is not None else None
    return render(
        request,
        "referrals/detail.html",
        {
            "opened": opened,
            "referral": referral,
            "events": referral.events.all(),
            "feedback": referral.feedback.first(),
            "plan_display": present(version.content) if version is not None else None,
            "plan_version": version,
            "plan": plan,
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
            "admission_form": AdmissionForm(
                bed_status=services.admission_bed_status(request.actor, referral)
            ),
            "feedback_form": FeedbackForm(),
        },
    )


def _act(request: PalliareRequest, pk: int, action: str) -> HttpResponse:
    opened = open_referral(request.actor, pk)
    referral = opened.referral
    form: forms.Form
    try:
        if action == "accept":
            form = NoteForm(request.POST)
            if form.is_valid():
                services.accept_referral(request.actor, referral, note=form.cleaned_data["note"])
        elif action == "decline":
            form = ReasonForm(request.POST)
            if form.is_valid():
                services.decline_referral(
                    request.actor, referral, reason=form.cleaned_data["reason"]
                )
        elif action == "withdraw":
            form = ReasonForm(request.POST)
            if form.is_valid():
                services.withdraw_referral(
                    request.actor, referral, reason=form.cleaned_data["reason"]
                )
        elif action == "admit":
            form = AdmissionForm(
                request.POST, bed_status=services.admission_bed_status(request.actor, referral)
            )
            if form.is_valid():
                services.record_admission(
                    request.actor,
                    referral,
                    admitted_on=form.cleaned_data["admitted_on"],
                    lower_free_beds=form.cleaned_data.get("lower_free_beds", False),
                )
        else:
            form = FeedbackForm(request.POST)
            if form.is_valid():
                services.record_feedback(
                    request.actor,
                    referral,
                    plan_quality=PlanQuality(form.cleaned_data["plan_quality"]),
                    missing=[MissingItem(m) for m in form.cleaned_data["missing"]],
                    note=form.cleaned_data["note"],
                )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if form.is_valid():
            messages.success(request, _("Saved."))
        else:
            messages.error(
                request, " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
    return redirect("referrals:detail", referral.pk)


@any_professional
@require_POST
def accept(request: PalliareRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "accept")


@any_professional
@require_POST
def decline(request: PalliareRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "decline")


@any_professional
@require_POST
def withdraw(request: PalliareRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "withdraw")


@any_professional
@require_POST
def admit(request: PalliareRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "admit")


@any_professional
@require_POST
def feedback(request: PalliareRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "feedback")


@require_permission(Permission.VIEW_REPORTS)
def feedback_overview(request: PalliareRequest) -> HttpResponse:
    """For the network coordinator: how complete care plans are when patients arrive, and what
    is missing most — per referring organisation, without patient details."""
    summary = services.feedback_summary()
    codes = [code for code, _label in PlanQuality.choices]
    referrers = sorted(summary.by_referrer)
    # Small counts leave the database as "<5", with complementary suppression over the table of
    # referrers × plan quality (whose column totals are the per-quality figures).
    table = suppression.suppress_table(
        [[summary.by_referrer[name].get(code, 0) for code in codes] for name in referrers]
        or [[0 for _code in codes]]
    )
    return render(
        request,
        "referrals/feedback_overview.html",
        {
            "total": table.totals[-1].text,
            "quality": [
                (label, table.totals[i].text) for i, (_c, label) in enumerate(PlanQuality.choices)
            ],
            "missing": [
                (label, suppression.count_text(summary.missing.get(code, 0)))
                for code, label in MissingItem.choices
                if summary.missing.get(code)
            ],
            "by_referrer": [
                (name, [cell.text for cell in table.rows[i][:-1]])
                for i, name in enumerate(referrers)
            ],
            "quality_labels": [label for _code, label in PlanQuality.choices],
            "suppressed": table.suppressed_any,
            "recent": summary.recent,
        },
    )
