"""The agenda: adding, removing and reordering patients, and one patient's discussion with
minutes and action items."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.models import Organization, Professional
from palliare.patients import access as patient_access
from palliare.patients import services as patient_services
from palliare.patients.constants import YesNoUnknown
from palliare.patients.models import DeathRegistration, Patient
from palliare.ui.forms import apply_errors, parse_id

from .. import access, agenda, services
from ..forms import ActionItemForm, AddPatientForm, MinutesForm, PatientSearchForm
from ..models import AgendaItem, CoreTeamMember, Meeting, MinutesVersion
from .meetings import _managed_meeting, _meeting_context


def _agenda_response(request: PalliareRequest, meeting: Meeting) -> HttpResponse:
    """htmx: the refreshed agenda; otherwise back to the meeting page."""
    if request.htmx:
        meeting.refresh_from_db()
        return render(request, "meetings/partials/agenda.html", _meeting_context(request, meeting))
    return redirect("meetings:detail", meeting.pk)


@require_permission(Permission.MANAGE_MEETINGS)
def agenda_add(request: PalliareRequest, pk: int) -> HttpResponse:
    """Find a patient of the core team's practices and put them on the agenda."""
    actor = request.actor
    meeting = _managed_meeting(request, pk)
    search = PatientSearchForm(request.GET or None)
    form = AddPatientForm(request.POST or None)
    results: list[Patient] = []
    if search.is_valid() and search.cleaned_data["q"].strip():
        q = search.cleaned_data["q"].strip()
        practices = access.practice_ids(meeting.core_team)
        on_agenda = access.agenda_patient_ids(meeting)
        results = patient_access.list_patients(
            actor,
            "meetings.agenda_patient_search",
            lambda visible: (
                visible.filter(gp_practice_id__in=practices)
                .matching(q)
                .exclude(pk__in=on_agenda)
                .order_by("family_name", "given_name")
            ),
            limit=20,
        )
    if request.method == "POST" and form.is_valid():
        patient_id = parse_id(request.POST.get("patient"))
        patient = (
            patient_access.get_patient_for(actor, patient_id, event="meetings.agenda_patient_read")
            if patient_id is not None
            else None
        )
        if patient is None:
            form.add_error(None, _("Choose a patient."))
        else:
            try:
                services.add_agenda_patient(
                    actor, meeting, patient, section=form.cleaned_data["section"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("%(name)s is on the agenda.") % {"name": patient.full_name}
                )
                return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/agenda_add.html",
        {"meeting": meeting, "search": search, "form": form, "results": results},
    )


def _managed_item(request: PalliareRequest, pk: int, item_pk: int) -> AgendaItem:
    meeting = _managed_meeting(request, pk)
    return access.get_agenda_item(meeting, item_pk)


@require_permission(Permission.MANAGE_MEETINGS)
@require_POST
def agenda_remove(request: PalliareRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _managed_item(request, pk, item_pk)
    try:
        services.remove_agenda_item(request.actor, item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not request.htmx:
            messages.success(request, _("Taken off the agenda."))
    return _agenda_response(request, item.meeting)


@require_permission(Permission.MANAGE_MEETINGS)
@require_POST
def agenda_move(request: PalliareRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _managed_item(request, pk, item_pk)
    direction: Literal["up", "down"] = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.move_agenda_item(request.actor, item, direction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _agenda_response(request, item.meeting)


def _owner_choices(meeting: Meeting) -> tuple[QuerySet[Professional], QuerySet[Organization]]:
    """Who can own an action: people of the core team's organisations and the attendees."""
    members = CoreTeamMember.objects.current().filter(core_team=meeting.core_team_id)
    org_ids = set(members.values_list("organization_id", flat=True)) | set(
        meeting.attendees.filter(organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    owners = (
        Professional.objects.filter(is_active=True)
        .filter(
            Q(memberships__organization_id__in=org_ids) | Q(meeting_attendances__meeting=meeting)
        )
        .distinct()
        .order_by("family_name", "given_name")
    )
    organizations = Organization.objects.filter(pk__in=org_ids).order_by("name")
    return owners, organizations


def _item_context(request: PalliareRequest, item: AgendaItem, patient: Patient) -> dict[str, Any]:
    meeting = item.meeting
    versions = list(item.minutes_versions.order_by("-version"))
    siblings = access.agenda_item_ids(meeting)
    index = siblings.index(item.pk) if item.pk in siblings else -1
    section = agenda.section(item.section)
    return {
        "meeting": meeting,
        "item": item,
        "patient": patient,
        "section": section,
        "reasons": [s.label for key in item.reasons or [] if (s := agenda.section(key))],
        "current": versions[0] if versions else None,
        "history": versions[1:],
        "actions": list(
            item.action_items.select_related("owner", "owner_organization")
            .prefetch_related("events")
            .order_by("done_at", "due_on")
        ),
        "central_contact": patient_services.key_contacts(patient).central_contact,
        "open_signals": list(
            patient.signals.exclude(status="handled").order_by("-created_at")[:10]
        ),
        "death": patient.death_registrations.order_by("-version").first(),
        "marking": patient.markings.filter(ended_at__isnull=True).order_by("-marked_on").first(),
        "manages": access.manages(request.actor, meeting.core_team),
        "previous_pk": siblings[index - 1] if index > 0 else None,
        "next_pk": siblings[index + 1] if 0 <= index < len(siblings) - 1 else None,
        "number": index + 1,
    }


def review_from_death(death: DeathRegistration) -> dict[str, str]:
    """The after-death analysis as far as the death registration answers it: the preferred
    place, whether it was achieved, and a line comparing the place of death with the wish."""
    known = death.preferred_place_known == YesNoUnknown.YES
    parts = [
        _("Died at: %(place)s (expected: %(expected)s).")
        % {
            "place": death.place_of_death_other or death.get_place_of_death_display(),
            "expected": death.get_expected_display(),
        },
        _("Preferred place: %(place)s.")
        % {"place": death.get_preferred_place_display() if known else _("not known")},
        _("Palliative sedation: %(answer)s.") % {"answer": death.get_palliative_sedation_display()},
    ]
    if death.hospital_admissions_30d is not None or death.emergency_visits_30d is not None:
        parts.append(
            _("Last 30 days: %(admissions)s hospital admission(s), %(visits)s emergency visit(s).")
            % {
                "admissions": "—"
                if death.hospital_admissions_30d is None
                else death.hospital_admissions_30d,
                "visits": "—" if death.emergency_visits_30d is None else death.emergency_visits_30d,
            }
        )
    return {
        "review_preferred_place": death.preferred_place if known else "",
        "review_place_matched": death.preferred_place_achieved,
        "review_place_comment": " ".join(str(p) for p in parts),
    }


@require_permission(Permission.VIEW_PATIENT)
def agenda_item(request: PalliareRequest, pk: int, item_pk: int) -> HttpResponse:
    """One patient in the meeting: why they are on the agenda, the minutes per dimension and
    decisions (versions kept), and the action items with owner and due date."""
    actor = request.actor
    meeting = access.get_meeting_for(actor, pk)
    item = access.get_agenda_item(meeting, item_pk)
    patient = patient_access.get_patient_for(
        actor, item.patient_id, event="meetings.agenda_item_read"
    )
    item.patient = patient
    context = _item_context(request, item, patient)
    manages = context["manages"] and meeting.status != "cancelled" and not item.is_removed
    after_death = item.is_after_death_review or patient.is_deceased
    current: MinutesVersion | None = context["current"]
    form = None
    action_form = None
    conflict = None
    prefilled = False
    if manages:
        initial = {**(current.content() if current else {}), "version": item.minutes_version}
        if after_death and not (current and current.has_review) and context["death"]:
            # The death registration already holds these answers (issue 18 item 6).
            initial |= review_from_death(context["death"])
            prefilled = True
        owners, organizations = _owner_choices(meeting)
        action_form = ActionItemForm(owners=owners, organizations=organizations)
        form = MinutesForm(
            request.POST if request.method == "POST" and "save_minutes" in request.POST else None,
            initial=initial,
            after_death=after_death,
        )
        if form.is_bound and form.is_valid():
            expected = form.cleaned_data.get("version")
            try:
                services.save_minutes(
                    actor,
                    item,
                    data=form.cleaned_data,
                    expected_version=item.minutes_version if expected is None else expected,
                )
            except services.ConflictError as exc:
                conflict = item.minutes_versions.order_by("-version").first()
                form.add_error(
                    None,
                    _(
                        "%(who)s saved these minutes while you were writing. Nothing of yours "
                        "was lost or saved yet: your text is still below, the version saved in "
                        "between is shown next to it. Combine them and save again."
                    )
                    % {"who": exc.changed_by or _("Someone else")},
                )
                form.data = request.POST.copy()
                form.data["version"] = str(exc.current_version)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Minutes saved."))
                return redirect("meetings:item", meeting.pk, item.pk)
    context.update(
        {
            "form": form,
            "action_form": action_form,
            "conflict": conflict,
            "after_death": after_death,
            "review_prefilled": prefilled,
            "can_minute": manages,
        }
    )
    return render(request, "meetings/agenda_item.html", context)


@require_permission(Permission.MANAGE_MEETINGS)
def action_add(request: PalliareRequest, pk: int, item_pk: int) -> HttpResponse:
    """Agree an action about the patient: it goes to the owner's start page."""
    actor = request.actor
    item = _managed_item(request, pk, item_pk)
    patient = patient_access.get_patient_for(
        actor, item.patient_id, event="meetings.agenda_item_read"
    )
    item.patient = patient
    owners, organizations = _owner_choices(item.meeting)
    form = ActionItemForm(request.POST or None, owners=owners, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_action_item(
                actor,
                item,
                description=data["description"],
                due_on=data["due_on"],
                owner=data["owner"],
                owner_organization=data["owner_organization"],
                dimension=data["dimension"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Action added. It is on the owner's start page."))
            return redirect(reverse("meetings:item", args=[pk, item.pk]) + "#actions")
    return render(
        request,
        "meetings/action_form.html",
        {"meeting": item.meeting, "item": item, "patient": patient, "form": form},
    )
