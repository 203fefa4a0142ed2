"""The acute view (search, summary, emergency access) for out-of-hours GP post, emergency
department, ambulance and dispatch; the privacy officer's review queue."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.audit import services as audit
from palliare.audit.constants import AuditAction, AuditOutcome, AuditPurpose
from palliare.careplans import services as careplan_services
from palliare.careplans.display import present
from palliare.patients import services as patient_services
from palliare.patients.models import Patient
from palliare.ui.forms import MAX_ID, apply_errors

from . import access, after_hours, services
from .constants import EMERGENCY_ACCESS_HOURS, EmergencyReason, ReviewConclusion
from .forms import AcuteSearchForm, EmergencyAccessForm, ReviewForm
from .models import EmergencyAccess

#: Signing salt and lifetime of the "found" token in the summary's URL.
FOUND_SALT = "palliare.acute.found"
FOUND_MAX_AGE_SECONDS = 12 * 3600

#: The ways an acute user reaches a patient (logged as ``via`` with every opening): both
#: identify the patient to the user (they searched for them, or hold the printed copy). A
#: notification is no route: acute care is not notified of plan changes (decision 0011).
VIA_SEARCH, VIA_QR = "search", "qr"
IDENTIFYING_ROUTES = (VIA_SEARCH, VIA_QR)

#: What the found token of a request is when it was this session's but is too old.
EXPIRED = object()


def _found_salt(request: PalliareRequest) -> str:
    """Bound to the session and the membership the user works under: after a switch to another
    organisation the user searches again, so the search and the opening are logged alike."""
    membership = request.actor.membership
    return f"{FOUND_SALT}:{request.session.session_key or ''}:{membership.pk if membership else ''}"


def _found_token(request: PalliareRequest, patient_id: int, via: str) -> str:
    """A token saying this session reached the patient through its own search or the printed
    copy's QR code.

    It travels in the redirect URL instead of the session, so a search writes nothing but its
    log row. It is bound to the session key and the membership: copied into another session,
    or used after switching organisation, it means nothing."""
    return signing.dumps([patient_id, via], salt=_found_salt(request), compress=False)


def _summary_url(patient_id: int, query: str) -> str:
    return f"{reverse('acute:summary', args=[patient_id])}?{query}"


def _found_url(request: PalliareRequest, patient_id: int, via: str) -> str:
    return _summary_url(patient_id, urlencode({"found": _found_token(request, patient_id, via)}))


def _load_found(request: PalliareRequest) -> object:
    """The request's found token as signed (``[patient id, route]``), :data:`EXPIRED` when it
    is this session's but too old, None when there is none or it is not this session's."""
    token = request.GET.get("found", "")
    if not token or not request.session.session_key:
        return None
    try:
        return signing.loads(token, salt=_found_salt(request), max_age=FOUND_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return EXPIRED
    except signing.BadSignature:
        return None


def _route(request: PalliareRequest, patient_id: int, found: object) -> str | None:
    """How this session reached the patient, or None for a typed or copied address.

    Acute roles have no care relationship: they may open a patient they searched for (by BSN,
    or name and date of birth) or whose printed plan they scanned, while treating them, but
    never walk the register by record number nor follow a notification. The route comes from
    the server (a signed token), never from a parameter the user sets. ``found`` is the
    request's token (:func:`_load_found`)."""
    if (
        isinstance(found, list)
        and found[:1] == [patient_id]
        and found[1:] in ([VIA_SEARCH], [VIA_QR])
    ):
        return str(found[1])
    return None


def _route_query(request: PalliareRequest) -> str:
    """The query string that keeps the route on the next page (emergency form, summary)."""
    return urlencode({"found": request.GET.get("found", "")})


def _refuse(request: PalliareRequest, pk: int, *, opening: str, expired: bool) -> HttpResponse:
    """A summary or emergency access asked for by address alone (or with this session's
    expired search): nothing about the patient is read or shown; the attempt is logged (the
    privacy officer sees walks through the register) and the user is sent to the search."""
    audit.record(
        "acute.open_refused",
        actor=request.actor,
        action=AuditAction.READ,
        patient_id=pk,
        outcome=AuditOutcome.DENIED,
        details={"opening": opening} | ({"token": "expired"} if expired else {}),
    )
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
    cannot exist answers 404; a patient this session did not reach (:func:`_route`) is refused
    before anything is read (:func:`_refuse`); otherwise the view runs with the route."""

    def decorator(
        view: Callable[[PalliareRequest, int, str], HttpResponse],
    ) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: PalliareRequest, pk: int) -> HttpResponse:
            if pk > MAX_ID:
                raise Http404
            found = _load_found(request)
            via = _route(request, pk, found)
            if via is None:
                return _refuse(request, pk, opening=opening, expired=found is EXPIRED)
            return view(request, pk, via)

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
    identified = via in IDENTIFYING_ROUTES
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
    from palliare.careplans.models import CarePlan

    plan = CarePlan.objects.filter(identifier=identifier.upper()).only("patient_id").first()
    if plan is None:
        raise Http404
    return redirect(_found_url(request, plan.patient_id, VIA_QR))


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
        # Only the service's logged write reads the patient here; nothing about them is shown.
        patient = Patient.objects.filter(pk=pk).first()
        if patient is None:
            raise Http404
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
    accesses = EmergencyAccess.objects.select_related("patient", "review")
    if show == "reviewed":
        accesses = accesses.filter(review__isnull=False).order_by("-started_at")
    else:
        accesses = accesses.unreviewed().order_by("started_at")
    page = Paginator(accesses, PER_PAGE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    if items:
        audit.record(
            "acute.review_queue_read",
            actor=request.actor,
            action=AuditAction.READ,
            patient_ids=[a.patient_id for a in items],
            purpose=AuditPurpose.PRIVACY_REVIEW,
        )
    return render(
        request,
        "acute/review_queue.html",
        {
            "page": page,
            "items": items,
            "show": show,
            "form": ReviewForm(),
            "waiting": EmergencyAccess.objects.unreviewed().count(),
        },
    )


@require_permission(Permission.REVIEW_EMERGENCY_ACCESS)
def review(request: PalliareRequest, access_pk: int) -> HttpResponse:
    """Mark one emergency access reviewed, with a conclusion."""
    grant = get_object_or_404(EmergencyAccess.objects.select_related("patient"), pk=access_pk)
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
    # The page names the patient: a read with its own legal ground (privacy review).
    audit.record(
        "acute.review_read",
        actor=request.actor,
        action=AuditAction.READ,
        patient_id=grant.patient_id,
        subject=grant,
        purpose=AuditPurpose.PRIVACY_REVIEW,
    )
    return render(request, "acute/review_form.html", {"grant": grant, "form": form})
