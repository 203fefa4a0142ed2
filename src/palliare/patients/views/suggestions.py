"""Marking suggestions from data (decision 0041): the list with why, dismissing with a reason,
and the rules with how often their suggestions led to marking (for the network coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors

from .. import access
from ..constants import SuggestionStatus
from ..forms import DismissSuggestionForm
from ..models import Patient
from ..querysets import PatientQuerySet
from ..suggestions import figures, rules, services


def open_suggestions(patients: PatientQuerySet) -> QuerySet[Patient]:
    """Of ``patients`` (those the actor may see), the living, unmarked ones with an open
    suggestion, by name."""
    return (
        patients.filter(
            marked_since__isnull=True,
            date_of_death__isnull=True,
            marking_suggestion__status=SuggestionStatus.OPEN,
        )
        .select_related("marking_suggestion", "gp_practice")
        .order_by("family_name", "given_name", "pk")
    )


@require_permission(Permission.VIEW_PATIENT)
def suggestion_list(request: PalliareRequest) -> HttpResponse:
    """Patients the rules suggest considering for marking, each with why."""
    if not services.may_work_with_suggestions(request.actor):
        raise PermissionDenied
    # Listed and logged in one call (the access policy).
    page = access.page_of_patients(
        request.actor,
        "patients.marking_suggestions_viewed",
        open_suggestions,
        page=request.GET.get("page"),
        per_page=30,
    )
    listed = list(page.object_list)
    services.record_shown(request.actor, [p.marking_suggestion for p in listed])
    items = [
        {
            "patient": p,
            "suggestion": p.marking_suggestion,
            "reasons": services.reasons(p.marking_suggestion),
            "form": DismissSuggestionForm(auto_id=f"id_{p.pk}_%s"),
        }
        for p in listed
    ]
    return render(
        request,
        "patients/suggestions.html",
        {
            "page": page,
            "items": items,
            "may_mark": request.actor.has(Permission.MARK_PALLIATIVE),
        },
    )


@require_permission(Permission.VIEW_PATIENT)
def suggestion_dismiss(request: PalliareRequest, pk: int) -> HttpResponse:
    """Dismiss the open suggestion for patient ``pk`` with a reason. 404 for a patient the
    actor may not see (and that attempt logged)."""
    # The patient first: someone outside the care relationship gets 404 whatever their role,
    # as on every object page; a role that does not work with suggestions then gets 403.
    patient = access.get_patient_for(request.actor, pk, event="marking_suggestion.read")
    if not services.may_work_with_suggestions(request.actor):
        raise PermissionDenied
    suggestion = services.suggestion_of(patient)
    if suggestion is None or suggestion.status != SuggestionStatus.OPEN:
        messages.info(request, _("There is no open suggestion for this patient any more."))
        return redirect("patients:suggestions")
    form = DismissSuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dismiss(
                request.actor,
                patient,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Suggestion for %(name)s dismissed. It comes back only when new data appears.")
                % {"name": patient.full_name},
            )
            return redirect("patients:suggestions")
    return render(
        request,
        "patients/suggestion_dismiss.html",
        {
            "patient": patient,
            "suggestion": suggestion,
            "reasons": services.reasons(suggestion),
            "form": form,
        },
    )


@require_permission(Permission.VIEW_PATIENT)
@require_POST
def suggestion_reopen(request: PalliareRequest, pk: int) -> HttpResponse:
    """Put the dismissed suggestion for patient ``pk`` back on the list (from the patient
    page). 404 for a patient the actor may not see (and that attempt logged)."""
    patient = access.get_patient_for(request.actor, pk, event="marking_suggestion.read")
    if not services.may_work_with_suggestions(request.actor):
        raise PermissionDenied
    try:
        services.reopen(request.actor, patient)
    except ValidationError:
        messages.info(request, _("There is no dismissed suggestion for this patient."))
    else:
        messages.success(
            request,
            _("The suggestion for %(name)s is open again.") % {"name": patient.full_name},
        )
    return redirect("patients:detail", patient.pk)


@require_permission(Permission.VIEW_REPORTS)
def suggestion_rules(request: PalliareRequest) -> HttpResponse:
    """The rules, their thresholds in force, and how often their suggestions led to marking
    (suppressed small numbers)."""
    return render(
        request,
        "patients/suggestion_rules.html",
        {
            "rules": [
                {"rule": rule, "values": [(t, rule.values()[t.key]) for t in rule.thresholds]}
                for rule in rules.all_rules()
            ],
            "version": rules.config_version(),
            "figures": figures.outcomes(),
        },
    )
