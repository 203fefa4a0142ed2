"""One patient: the overview, registration data, the timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors

from .. import access, extensions, services
from ..constants import BURDEN_CHECK_INTERVAL_DAYS, ConsentScope
from ..forms import PatientForm
from ..suggestions import services as suggestions
from .common import back_to

#: How many of the newest timeline entries the patient page shows.
RECENT_ENTRIES = 8


@require_permission(Permission.VIEW_PATIENT)
def patient_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """Everything the team needs about one patient, the central contact's phone first."""
    actor = request.actor
    patient = access.get_patient_for(actor, pk)
    care_team = list(services.current_care_team(patient))
    key = services.KeyContacts.of(care_team)
    # Everything below is read through the patient the access policy opened (its relations).
    caregivers = list(patient.caregivers.filter(is_active=True).prefetch_related("burden_checks"))
    today = timezone.localdate()
    for caregiver in caregivers:
        checks = sorted(caregiver.burden_checks.all(), key=lambda c: (c.checked_on, c.created_at))
        last = checks[-1].checked_on if checks else None
        caregiver.__dict__.update(
            latest_check=checks[-1] if checks else None,
            trend=[c.score for c in checks[-6:]],
            check_due=last is None or (today - last).days >= BURDEN_CHECK_INTERVAL_DAYS,
        )
    consents = list(patient.consents.order_by("-recorded_at"))
    active_scopes = {c.scope for c in consents if c.is_active}
    with extensions.one_page():
        panels = extensions.panels_for(actor, patient)
        recent = extensions.timeline_for(actor, patient, limit=RECENT_ENTRIES)
    context = {
        "patient": patient,
        "care_team": care_team,
        "central_contact": key.central_contact,
        "lead_practitioner": key.lead_practitioner,
        "marking": patient.markings.filter(ended_at__isnull=True).first(),
        "open_signals": list(patient.signals.exclude(status="handled").order_by("-created_at")),
        "caregivers": caregivers,
        "volunteer_step": patient.volunteer_steps.select_related("organization").first(),
        "consents": consents,
        "consent_scopes": [(scope, scope in active_scopes) for scope in ConsentScope],
        "death": patient.death_registrations.first(),
        "panels": panels,
        "recent": recent,
        "is_gp_practice": actor.organization_id == patient.gp_practice_id,
        "suggestion": suggestions.suggestion_of(patient),
        "suggestion_dismissal": suggestions.dismissal_of(patient),
        "may_work_with_suggestions": suggestions.may_work_with_suggestions(actor),
    }
    return render(request, "patients/patient_detail.html", context)


@require_permission(Permission.REGISTER_PATIENT)
def patient_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    """Change registration data; a concurrent change by someone else is detected."""
    patient = access.get_patient_for(request.actor, pk)
    form = PatientForm(request.POST or None, instance=patient)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("bsn", "version")}
        expected = form.cleaned_data.get("version") or patient.version
        try:
            services.update_patient(request.actor, patient, data=data, expected_version=expected)
        except services.ConflictError as exc:
            current = type(patient).objects.get(pk=patient.pk)
            conflict = [
                (form.fields[name].label, form.cleaned_data.get(name), getattr(current, name))
                for name in data
                if form.cleaned_data.get(name) != getattr(current, name)
            ]
            form.add_error(
                None,
                _(
                    "%(who)s saved this patient while you were editing. Nothing of yours was "
                    "saved yet: your changes are still below. Check them against the current data "
                    "and save again."
                )
                % {"who": exc.changed_by or _("Someone else")},
            )
            form.data = request.POST.copy()
            form.data["version"] = str(exc.current_version)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return back_to(patient)
    return render(
        request,
        "patients/patient_form.html",
        {"form": form, "patient": patient, "conflict": conflict},
    )


@require_permission(Permission.VIEW_PATIENT)
def patient_timeline(request: PalliareRequest, pk: int) -> HttpResponse:
    """Everything about the patient in one chronological list."""
    patient = access.get_patient_for(request.actor, pk, event="patient.timeline_read")
    entries = extensions.timeline_for(request.actor, patient)
    kinds = sorted({(e.kind, e.kind_label) for e in entries})
    kind = request.GET.get("kind", "")
    if kind in {k for k, _label in kinds}:
        entries = [e for e in entries if e.kind == kind]
    return render(
        request,
        "patients/timeline.html",
        {"patient": patient, "entries": entries, "kinds": kinds, "kind": kind},
    )
