"""The palliative register: the list, search, registering a patient."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.constants import OrganizationType
from palliare.ui.forms import apply_errors

from .. import access, services
from ..constants import REGISTRATION_PREFILL_SESSION_KEY, CareTeamRole, ConsentScope
from ..forms import PatientSearchForm, RegisterPatientForm
from ..models import Patient
from ..querysets import PatientQuerySet
from .common import with_register_data


@require_permission(Permission.VIEW_PATIENT)
def register(request: PalliareRequest) -> HttpResponse:
    """Who are our palliative patients, and who needs attention?"""
    form = PatientSearchForm(request.GET or None)
    view = "palliative"
    q, born = "", None
    if form.is_valid():
        view = form.cleaned_data["view"] or "palliative"
        q = form.cleaned_data["q"].strip()
        born = form.cleaned_data["born"]
    searching = bool(q or born)
    ordering = (
        ["-date_of_death", "family_name"]
        if view == "deceased"
        else ["urgency_order", "family_name", "given_name"]
    )

    def narrow(patients: PatientQuerySet) -> QuerySet[Patient]:
        if q:
            patients = patients.matching(q)
        if born:
            patients = patients.filter(date_of_birth=born)
        if not searching:
            if view == "palliative":
                patients = patients.marked()
            elif view == "consider":
                patients = patients.consider_marking().select_related("marking_suggestion")
            elif view == "deceased":
                patients = patients.deceased()
            else:
                patients = patients.alive()
        return (
            with_register_data(patients)
            .annotate(
                urgency_order=Case(
                    When(urgency="red", then=Value(0)),
                    When(urgency="orange", then=Value(1)),
                    When(urgency="green", then=Value(2)),
                    default=Value(3),
                    output_field=IntegerField(),
                )
            )
            .order_by(*ordering)
        )

    page = access.page_of_patients(
        request.actor,
        "patients.register_viewed",
        narrow,
        page=request.GET.get("page"),
        per_page=50,
    )
    template = "patients/partials/register_rows.html" if request.htmx else "patients/register.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "view": view,
            "searching": searching,
            "today": timezone.localdate(),
        },
    )


@require_permission(Permission.REGISTER_PATIENT)
def register_patient(request: PalliareRequest) -> HttpResponse:
    """Add a patient to the register (duplicates on BSN are detected)."""
    actor = request.actor
    initial: dict[str, object] = {}
    if actor.organization is not None and actor.organization.type == OrganizationType.GP_PRACTICE:
        initial["gp_practice"] = actor.organization
    # Fields another part of Palliare left to register (a launch from the GP's information
    # system): shown once, for the professional to check and confirm.
    prefill = request.session.pop(REGISTRATION_PREFILL_SESSION_KEY, None)
    prefilled_from = ""
    if isinstance(prefill, dict) and request.method == "GET":
        prefilled_from = str(prefill.pop("source", ""))
        initial.update(prefill)
    form = RegisterPatientForm(request.POST or None, initial=initial)
    if not actor.has(Permission.MANAGE_CONSENT):
        del form.fields["consents"]
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("consents", "version")}
        try:
            patient = services.register_patient(
                actor,
                data=data,
                consents=[ConsentScope(c) for c in form.cleaned_data.get("consents", [])],
                care_team_role=_care_team_role(actor.role_code),
            )
        except services.DuplicatePatientError as exc:
            existing = exc.existing
            if access.duplicate_registration(actor, existing):
                form.add_error(
                    "bsn",
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("This patient is already registered."),
                        reverse("patients:detail", args=[existing.pk]),
                        _("Open the patient"),
                    ),
                )
            else:
                form.add_error(
                    "bsn",
                    _(
                        "A patient with this BSN is already registered by another GP practice. "
                        "Ask that practice to add you to the care team."
                    ),
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": patient.full_name})
            return redirect("patients:detail", patient.pk)
    return render(
        request,
        "patients/patient_form.html",
        {"form": form, "creating": True, "prefilled_from": prefilled_from},
    )


def _care_team_role(role_code: str) -> CareTeamRole:
    mapping = {
        "medical_specialist": CareTeamRole.MEDICAL_SPECIALIST,
        "hospital_nurse": CareTeamRole.HOSPITAL_NURSE,
        "palliative_specialist": CareTeamRole.PALLIATIVE_SPECIALIST,
        "district_nurse": CareTeamRole.DISTRICT_NURSE,
    }
    return mapping.get(role_code, CareTeamRole.OTHER)
