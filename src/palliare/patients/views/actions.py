"""Forms that change one patient's register data. Each opens the patient through the access
policy, calls one service and returns to the patient page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.actors import Actor
from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors

from .. import access, extensions, services
from ..constants import (
    CareTeamRole,
    ConsentGivenBy,
    ConsentScope,
    Dimension,
    SignalSuggestion,
    Urgency,
    VolunteerStatus,
)
from ..forms import (
    BurdenCheckForm,
    CaregiverForm,
    CareTeamMemberForm,
    ConsentForm,
    DeathRegistrationForm,
    EndMemberForm,
    MarkingForm,
    ScreeningForm,
    SignalForm,
    UnmarkForm,
    UrgencyForm,
    VolunteerStepForm,
    WithdrawConsentForm,
    chosen_id,
)
from ..models import CareTeamMember, Consent, InformalCaregiver, Patient
from ..suggestions import services as suggestions
from .common import back_to

Perform = Callable[[Actor, Patient, dict[str, Any]], object]


def _form_page(
    request: PalliareRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    perform: Perform,
    title: str,
    done: str,
    anchor: str = "",
    initial: dict[str, Any] | None = None,
    initial_for: Callable[[Patient], dict[str, Any]] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    kwargs_for: Callable[[Patient], dict[str, Any]] | None = None,
    intro: str = "",
    refresh: bool = False,
    template: str = "patients/action_form.html",
) -> HttpResponse:
    """``kwargs_for``: more form arguments that depend on the patient, read only after the
    access policy opened the patient. ``refresh``: the post only changed a choice that other
    fields depend on (without JavaScript); show the form again, filled in, without saving."""
    patient = access.get_patient_for(request.actor, pk)
    kwargs = (form_kwargs or {}) | (kwargs_for(patient) if kwargs_for else {})
    data = None if refresh else (request.POST or None)
    if initial_for is not None and data is None:
        initial = (initial or {}) | initial_for(patient)
    form = form_class(data, initial=initial, **kwargs)
    if request.method == "POST" and not refresh and form.is_valid():
        try:
            perform(request.actor, patient, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return back_to(patient, anchor)
    return render(
        request, template, {"patient": patient, "form": form, "title": title, "intro": intro}
    )


@require_permission(Permission.MANAGE_CONSENT)
def consent_record(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.record_consents(
            actor,
            patient,
            scopes=[ConsentScope(scope) for scope in data["scopes"]],
            given_on=data["given_on"],
            given_by=ConsentGivenBy(data["given_by"]),
            representative_name=data["representative_name"],
            note=data["note"],
        )

    return _form_page(
        request,
        pk,
        form_class=ConsentForm,
        kwargs_for=lambda patient: {"open_scopes": services.open_scopes(patient)},
        perform=perform,
        title=_("Record consent"),
        done=_("Consent recorded."),
        anchor="consent",
        intro=_(
            "Record only consent the patient (or their legal representative) "
            "gave explicitly, for this specific purpose."
        ),
    )


@require_permission(Permission.MANAGE_CONSENT)
def consent_withdraw(request: PalliareRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent, pk=consent_pk, patient_id=pk)

    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.withdraw_consent(
            actor, consent, withdrawn_on=data["withdrawn_on"], note=data["note"]
        )

    return _form_page(
        request,
        pk,
        form_class=WithdrawConsentForm,
        perform=perform,
        title=_("Withdraw consent: %(scope)s") % {"scope": consent.get_scope_display()},
        done=_("Consent withdrawn. This takes effect immediately."),
        anchor="consent",
        initial={"withdrawn_on": timezone.localdate()},
    )


@require_permission(Permission.MARK_PALLIATIVE)
def mark(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.mark_patient(actor, patient, data=data)

    from_suggestion = request.GET.get("from") == "suggestion"
    return _form_page(
        request,
        pk,
        form_class=MarkingForm,
        perform=perform,
        initial_for=suggestions.marking_prefill if from_suggestion else None,
        title=_("Mark the palliative phase"),
        done=_("Marked as palliative. The care team has been notified."),
        intro=_(
            "After marking, the GP practice is lead practitioner. Appoint one "
            "central contact in the care team."
        ),
    )


@require_permission(Permission.MARK_PALLIATIVE)
def unmark(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        marking = patient.markings.filter(ended_at__isnull=True).first()
        if marking is None:
            raise ValidationError(_("This patient is not marked."))
        return services.unmark_patient(
            actor, marking, ended_on=data["ended_on"], reason=data["reason"]
        )

    return _form_page(
        request,
        pk,
        form_class=UnmarkForm,
        perform=perform,
        title=_("End the marking"),
        done=_("The marking has ended."),
    )


@require_permission(Permission.VIEW_PATIENT)
def screening(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.record_screening(actor, patient, data=data)

    return _form_page(
        request,
        pk,
        form_class=ScreeningForm,
        perform=perform,
        title=_("Record indicators"),
        done=_(
            'Indicators recorded. The GP practice sees the patient on its "consider marking" list.'
        ),
    )


@require_permission(Permission.MANAGE_CARE_TEAM)
def urgency(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.set_urgency(
            actor, patient, urgency=Urgency(data["urgency"]), note=data["note"]
        )

    return _form_page(
        request,
        pk,
        form_class=UrgencyForm,
        perform=perform,
        title=_("Urgency (PaTz colour)"),
        done=_("Urgency saved."),
    )


@require_permission(Permission.MANAGE_CARE_TEAM)
def care_team_add(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.add_care_team_member(
            actor,
            patient,
            organization=data["organization"],
            professional=data["professional"],
            role=CareTeamRole(data["role"]),
            phone=data["phone"],
            note=data["note"],
            central_contact=data["central_contact"],
        )

    # The organisation chosen so far: from the query string (htmx reloads the professionals
    # when it changes) or, without JavaScript, from the form posted with "show its people".
    refresh = request.method == "POST" and "choose" in request.POST
    source = request.POST if request.method == "POST" else request.GET
    organization_id = chosen_id(source, "organization")
    return _form_page(
        request,
        pk,
        form_class=CareTeamMemberForm,
        perform=perform,
        title=_("Add to the care team"),
        done=_("Added to the care team."),
        anchor="care-team",
        initial=request.POST.dict() if refresh else {"organization": organization_id},
        form_kwargs={"organization_id": organization_id},
        refresh=refresh,
        template="patients/care_team_form.html",
    )


@require_permission(Permission.MANAGE_CARE_TEAM)
def care_team_central(request: PalliareRequest, pk: int, member_pk: int) -> HttpResponse:
    member = get_object_or_404(CareTeamMember, pk=member_pk, patient_id=pk)

    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.set_central_contact(actor, member)

    return _form_page(
        request,
        pk,
        form_class=forms.Form,
        perform=perform,
        title=_("Make %(who)s the central contact") % {"who": member.display_name},
        done=_("Central contact changed."),
        anchor="care-team",
        intro=_(
            "The patient and relatives call the central contact first. "
            "There is one central contact; the previous one hands over."
        ),
    )


@require_permission(Permission.MANAGE_CARE_TEAM)
def care_team_end(request: PalliareRequest, pk: int, member_pk: int) -> HttpResponse:
    member = get_object_or_404(CareTeamMember, pk=member_pk, patient_id=pk)

    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        services.end_care_team_member(actor, member, reason=data["reason"])
        return None

    return _form_page(
        request,
        pk,
        form_class=EndMemberForm,
        perform=perform,
        title=_("Remove %(who)s from the care team") % {"who": member.display_name},
        done=_("Removed from the care team."),
        anchor="care-team",
    )


@require_permission(Permission.MANAGE_CARE_TEAM)
def caregiver_add(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.add_caregiver(actor, patient, **data)

    return _form_page(
        request,
        pk,
        form_class=CaregiverForm,
        perform=perform,
        title=_("Add an informal caregiver"),
        done=_("Caregiver added."),
        anchor="caregivers",
    )


@require_permission(Permission.VIEW_PATIENT)
def burden_check(request: PalliareRequest, pk: int, caregiver_pk: int) -> HttpResponse:
    caregiver = get_object_or_404(InformalCaregiver, pk=caregiver_pk, patient_id=pk)

    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.record_burden_check(actor, caregiver, **data)

    return _form_page(
        request,
        pk,
        form_class=BurdenCheckForm,
        perform=perform,
        title=_("How heavy is caring for %(name)s?") % {"name": caregiver.name},
        done=_("Burden check saved."),
        anchor="caregivers",
    )


@require_permission(Permission.VIEW_PATIENT)
def volunteers(request: PalliareRequest, pk: int) -> HttpResponse:
    def perform(actor: Actor, patient: Patient, data: dict[str, Any]) -> object:
        return services.record_volunteer_step(
            actor,
            patient,
            status=VolunteerStatus(data["status"]),
            organization=data["organization"],
            note=data["note"],
        )

    return _form_page(
        request,
        pk,
        form_class=VolunteerStepForm,
        perform=perform,
        title=_("Terminal-care volunteers (VPTZ)"),
        done=_("Saved."),
        anchor="volunteers",
    )


@require_permission(Permission.SEND_SIGNAL)
def signal_send(request: PalliareRequest, pk: int) -> HttpResponse:
    """Send a signal about a patient to their GP practice (needs a care relationship only)."""
    actor = request.actor
    patient = access.get_patient_for_signal(actor, pk)
    form = SignalForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_signal(
                actor,
                patient,
                dimension=Dimension(form.cleaned_data["dimension"]),
                observation=form.cleaned_data["observation"],
                suggestion=SignalSuggestion(form.cleaned_data["suggestion"]),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your signal was sent to %(practice)s.") % {"practice": patient.gp_practice.name},
            )
            return redirect("patients:signals_sent")
    return render(request, "patients/signal_form.html", {"patient": patient, "form": form})


@require_permission(Permission.REGISTER_DEATH)
def death(request: PalliareRequest, pk: int) -> HttpResponse:
    """Register the death: quick to fill in, complete for the network's figures."""
    patient = access.get_patient_for(request.actor, pk)
    current = patient.death_registrations.first()
    prefilled: dict[str, str] = {}
    initial = _death_initial(current)
    if current is None:
        # What the care plan already says, shown as such and editable (issue 18 item 5).
        for prefill in extensions.death_prefill_for(request.actor, patient):
            initial |= prefill.values
            prefilled |= dict.fromkeys(prefill.values, str(prefill.source))
    form = DeathRegistrationForm(request.POST or None, instance=None, initial=initial)
    for name, source in prefilled.items():
        form.fields[name].help_text = _("Filled in from %(source)s; check it.") % {"source": source}
    if request.method == "POST" and form.is_valid():
        try:
            services.register_death(request.actor, patient, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The death has been registered."))
            return back_to(patient)
    return render(
        request,
        "patients/death_form.html",
        {
            "patient": patient,
            "form": form,
            "current": current,
            "prefill_sources": sorted(set(prefilled.values())),
        },
    )


def _death_initial(current: Any) -> dict[str, Any]:
    if current is None:
        return {
            "expected": "yes",
            "palliative_sedation": "no",
            "had_care_plan": "unknown",
            "preferred_place_known": "unknown",
            "preferred_place_achieved": "unknown",
        }
    return {f: getattr(current, f) for f in DeathRegistrationForm.Meta.fields}
