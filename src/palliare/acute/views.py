"""The acute view (search, summary, emergency access) for out-of-hours GP post, emergency
department, ambulance and dispatch; the privacy officer's review queue."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.careplans import services as careplan_services
from palliare.careplans.display import present
from palliare.patients import services as patient_services
from palliare.patients.models import Patient
from palliare.ui.forms import apply_errors

from . import access, after_hours, services
from .constants import EMERGENCY_ACCESS_HOURS, EmergencyReason, ReviewConclusion
from .forms import AcuteSearchForm, EmergencyAccessForm, ReviewForm

#: The acute gate's names, here for the templates' and tests' sake (defined in acute.access).
FOUND_MAX_AGE_SECONDS = access.FOUND_MAX_AGE_SECONDS
VIA_SEARCH, VIA_QR = access.VIA_SEARCH, access.VIA_QR


def _summary_url(patient_id: int, query: str) -> str:
    return f"{reverse('acute:summary', args=[patient_id])}?{query}"


def _found_url(request: PalliareRequest, patient_id: int, via: str) -> str:
    token = access.found_token(request.actor, request.session.session_key, patient_id, via)
    return _summary_url(patient_id, urlencode({"found": token}))


def _route_query(request: PalliareRequest) -> str:
    """The query string that keeps the route on the next page (emergency form, summary)."""
    return urlencode({"found": request.GET.get("found", "")})


def _refuse(request: PalliareRequest, pk: int, *, opening: str, expired: bool) -> HttpResponse:
    """A summary or emergency access asked for by address alone (or with this session's
    expired search): nothing about the patient is read or shown; the attempt is logged
    (:func:`access.refuse`) and the user is sent to the search."""
    access.refuse(request.actor, pk, opening=opening, expired=expired)
    if expired:
        messages.warning(
            request,
            _(
                "Your search has expired (after %(hours)s hours). Search for the patient "
                "again; nothing was opened."
            )
            % {"hours": FOUND_MAX_AGE_SECONDS // 3600},
        )
    else:
        messages.info(
            request,
            _("Find the patient through the search: by BSN, or by name and date of birth."),
        )
    return redirect("acute:search")


def _reached(
    opening: str,
) -> Callable[[Callable[[PalliareRequest, int, str], HttpResponse]], Callable[..., HttpResponse]]:
    """For the acute path's views of one patient (summary, emergency access): an id that
    cannot exist answers 404; a patient this session did not reach (:func:`access.gate`) is
    refused before anything is read (:func:`_refuse`); otherwise the view runs with the route."""

    def decorator(
        view: Callable[[PalliareRequest, int, str], HttpResponse],
    ) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: PalliareRequest, pk: int) -> HttpResponse:
            reached = access.gate(
                request.actor, request.session.session_key, pk, request.GET.get("found", "")
            )
            if reached.via is None:
                return _refuse(request, pk, opening=opening, expired=reached.expired)
            return view(request, pk, reached.via)

        return wrapped

    return decorator


@never_cache
@require_permission(Permission.VIEW_ACUTE_SUMMARY)
def search(request: PalliareRequest) -> HttpResponse:
    """Find one patient by BSN, or name + date of birth (+ postcode). Never guesses."""
    form = AcuteSearchForm(request.POST or None)
    ambiguous = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.search(
                request.actor,
                bsn=data.get("bsn") or "",
                family_name=data.get("family_name") or "",
                date_of_birth=data.get("date_of_birth"),
                postcode=data.get("postcode") or "",
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if result.patient is not None:
                return redirect(_found_url(request, result.patient.pk, VIA_SEARCH))
            if result.ambiguous:
                ambiguous = True
                form.add_error(
                    "postcode" if not data.get("postcode") else None,
                    _(
                        "More than one patient has this name and date of birth. Add the "
                        "postcode, or search by BSN."
                    )
                    if not data.get("postcode")
                    else _("More than one patient matches. Search by BSN."),
                )
            else:
                form.add_error(
                    None,
                    _("No patient found with these details. Check them, or search by BSN."),
                )
    return render(request, "acute/search.html", {"form": form, "ambiguous": ambiguous})


def _summary_context(patient: Patient) -> dict[str, Any]:
    plan = careplan_services.current_plan(patient)
    version = plan.current_version if plan else None
    contacts = patient_services.key_contacts(patient)
    return {
        "patient": patient,
        "plan": plan,
        "version": version,
        "plan_display": present(version.content) if version else None,
        "central_contact": contacts.central_contact,
        "lead_practitioner": contacts.lead_practitioner,
    }


def _open(
    request: PalliareRequest, pk: int, *, via: str, form: EmergencyAccessForm | None = None
) -> HttpResponse:
    """The acute summary through the acute access path (logged), or "no shared plan" with the
    emergency-access form. That page names the patient (name and date of birth, never BSN or
    address) only when the user searched for the patient or scanned the printed copy."""
    identified = via in access.IDENTIFYING_ROUTES
    try:
        opened = access.open_acute_summary(request.actor, pk, via=via, identified=identified)
    except access.NoSharedPlan as no_plan:
        return render(
            request,
            "acute/no_shared_plan.html",
            {
                "patient": no_plan.patient,
                "on_call": (
                    after_hours.instead_of_practice(no_plan.patient.gp_practice)
                    if no_plan.patient is not None
                    else None
                ),
                "patient_pk": pk,
                "route_query": _route_query(request),
                "form": form or EmergencyAccessForm(),
                "hours": EMERGENCY_ACCESS_HOURS,
            },
        )
    context = _summary_context(opened.patient) | {"grant": opened.emergency}
    return render(request, "acute/summary.html", context)


@never_cache
@require_permission(Permission.VIEW_ACUTE_SUMMARY)
@_reached("summary")
def summary(request: PalliareRequest, pk: int, via: str) -> HttpResponse:
    """One screen with what the doctor at 3 a.m. needs: the treatment limits first."""
    return _open(request, pk, via=via)


@require_permission(Permission.VIEW_ACUTE_SUMMARY)
def plan_code(request: PalliareRequest, identifier: str) -> HttpResponse:
    """The QR code on the printed copy: the plan identifier leads to the acute summary."""
    return redirect(_found_url(request, access.patient_id_for_plan_code(identifier), VIA_QR))


@never_cache
@require_permission(Permission.VIEW_ACUTE_SUMMARY, Permission.EMERGENCY_ACCESS)
@_reached("emergency")
def emergency(request: PalliareRequest, pk: int, via: str) -> HttpResponse:
    """Break the glass: a reason, then the summary for a limited time. Only for a patient
    this session reached through the search or the QR code (as the summary)."""
    if request.method != "POST":
        return redirect(_summary_url(pk, _route_query(request)))
    form = EmergencyAccessForm(request.POST)
    if form.is_valid():
        patient = access.patient_for_emergency(request.actor, pk, via)
        try:
            services.start_emergency_access(
                request.actor,
                patient,
                reason_code=EmergencyReason(form.cleaned_data["reason_code"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(_summary_url(pk, _route_query(request)))
    # The form again, with its errors: through the acute access path, so it is logged.
    return _open(request, pk, via=via, form=form)


PER_PAGE = 50


@require_permission(Permission.REVIEW_EMERGENCY_ACCESS)
def review_queue(request: PalliareRequest) -> HttpResponse:
    """Emergency accesses waiting for the privacy officer's conclusion (oldest first)."""
    show = request.GET.get("show", "")
    queue = access.review_queue(
        request.actor, show=show, page=request.GET.get("page"), per_page=PER_PAGE
    )
    return render(
        request,
        "acute/review_queue.html",
        {
            "page": queue.page,
            "items": queue.items,
            "show": show,
            "form": ReviewForm(),
            "waiting": queue.waiting,
        },
    )


@require_permission(Permission.REVIEW_EMERGENCY_ACCESS)
def review(request: PalliareRequest, access_pk: int) -> HttpResponse:
    """Mark one emergency access reviewed, with a conclusion."""
    grant = access.grant_for_review(request.actor, access_pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_emergency_access(
                request.actor,
                grant,
                conclusion=ReviewConclusion(form.cleaned_data["conclusion"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Marked as reviewed."))
            return redirect("acute:review_queue")
    access.record_review_read(request.actor, grant)
    return render(request, "acute/review_form.html", {"grant": grant, "form": form})
