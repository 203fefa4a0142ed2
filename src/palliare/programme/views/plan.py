"""The transformation plan: overview with milestone KPIs, action lines, deliverables (edit
with conflict detection, submit, adopt by decision), the timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.organizations.models import Subregion
from palliare.ui.forms import apply_errors

from .. import access, services, timeline
from ..constants import BodyKind, DeliverableStatus, Phase
from ..forms import ActionLineForm, AdoptForm, AssignmentForm, DeliverableForm, DeliverableTextForm
from ..models import ActionLine, Decision, Deliverable
from .common import form_page


@require_permission(Permission.VIEW_PROGRAMME)
def plan_overview(request: PalliareRequest) -> HttpResponse:
    """Where does the transformation stand? Milestone KPIs first, then the action lines."""
    today = timezone.localdate()
    lines = list(ActionLine.objects.select_related("working_group").order_by("position", "code"))
    deliverables = list(
        Deliverable.objects.select_related("action_line", "subregion").order_by("due_on", "pk")
    )
    late = [d for d in deliverables if d.due_on < today and d.status != DeliverableStatus.ADOPTED]
    return render(
        request,
        "programme/plan_overview.html",
        {
            "milestones": services.milestone_statuses(today),
            "lines": lines,
            "late": late,
            "submitted": [d for d in deliverables if d.status == DeliverableStatus.SUBMITTED],
            "workbook": [d for d in deliverables if d.phase == Phase.WORKBOOK],
            "can_manage": access.can_manage(request.actor),
            "today": today,
        },
    )


@require_permission(Permission.VIEW_PROGRAMME)
def plan_timeline(request: PalliareRequest) -> HttpResponse:
    """The whole plan over time (the workbook's "globale planning"), as a chart and a table."""
    return render(
        request,
        "programme/timeline.html",
        {"timeline": timeline.build(), "phases": Phase.choices},
    )


@require_permission(Permission.VIEW_PROGRAMME)
def action_line_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(ActionLine.objects.select_related("working_group"), pk=pk)
    assignments = {a.phase: a for a in line.assignments.all()}
    deliverables = list(line.deliverables.select_related("subregion", "decision__body"))
    phases = [
        (value, label, assignments.get(value), [d for d in deliverables if d.phase == value])
        for value, label in Phase.choices
        if value != Phase.WORKBOOK
    ]
    return render(
        request,
        "programme/action_line_detail.html",
        {"line": line, "phases": phases, "can_manage": access.can_manage(request.actor)},
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def action_line_edit(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    line = get_object_or_404(ActionLine, pk=pk) if pk else None
    initial = {}
    if line is not None:
        initial = {f: getattr(line, f) for f in ActionLineForm.base_fields}
    form = ActionLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_action_line(request.actor, line, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:action_line", saved.pk)
    return form_page(
        request,
        form,
        title=str(line) if line else _("New action line"),
        submit=_("Save"),
        back_url=reverse("programme:action_line", args=[line.pk])
        if line
        else reverse("programme:plan"),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def assignment_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(ActionLine, pk=pk)
    phase = request.GET.get("phase") or request.POST.get("phase") or Phase.FRAMEWORKS
    existing = line.assignments.filter(phase=phase).first()
    initial: dict[str, object] = {"phase": phase}
    if existing is not None:
        initial.update(
            assignment=existing.assignment,
            per_subregion=existing.per_subregion,
            not_applicable=existing.not_applicable,
        )
    form = AssignmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_assignment(request.actor, line, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:action_line", line.pk)
    return form_page(
        request,
        form,
        title=_("Assignment of %(line)s") % {"line": line},
        submit=_("Save"),
        back_url=reverse("programme:action_line", args=[line.pk]),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def deliverable_add(request: PalliareRequest, pk: int | None = None) -> HttpResponse:
    """Plan a deliverable of an action line (or the workbook, without one)."""
    line = get_object_or_404(ActionLine, pk=pk) if pk else None
    form = DeliverableForm(
        request.POST or None,
        initial={
            "phase": Phase.FRAMEWORKS if line else Phase.WORKBOOK,
            "starts_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        each = data.pop("each_subregion")
        try:
            with transaction.atomic():
                if each:
                    subregions = list(Subregion.objects.order_by("name"))
                    created = [
                        services.create_deliverable(
                            request.actor,
                            action_line=line,
                            **{**data, "subregion": s, "title": f"{data['title']} – {s.name}"},
                        )
                        for s in subregions
                    ]
                else:
                    created = [services.create_deliverable(request.actor, action_line=line, **data)]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if len(created) == 1:
                return redirect("programme:deliverable", created[0].pk)
            messages.success(request, _("%(n)s deliverables planned.") % {"n": len(created)})
            return (
                redirect("programme:action_line", line.pk) if line else redirect("programme:plan")
            )
    return form_page(
        request,
        form,
        title=_("Plan a deliverable of %(line)s") % {"line": line}
        if line
        else _("Plan the workbook"),
        submit=_("Plan"),
        back_url=reverse("programme:action_line", args=[line.pk])
        if line
        else reverse("programme:plan"),
    )


def _deliverable(pk: int) -> Deliverable:
    return get_object_or_404(
        Deliverable.objects.select_related("action_line", "subregion", "decision__body"), pk=pk
    )


@require_permission(Permission.VIEW_PROGRAMME)
def deliverable_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """A deliverable: status, its text (editable, with conflict detection), versions."""
    deliverable = _deliverable(pk)
    actor = request.actor
    may_edit = services.may_edit_deliverable(actor, deliverable)
    versions = list(deliverable.versions.order_by("-number"))
    current = versions[0] if versions else None
    conflict = None
    status = 200
    form = DeliverableTextForm(
        initial={"text": current.text if current else "", "based_on": deliverable.current_version}
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = DeliverableTextForm(request.POST)
        if form.is_valid():
            try:
                services.save_deliverable_text(actor, deliverable, **form.cleaned_data)
            except services.ConflictError as exc:
                conflict = exc
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, _("Saved as version %(n)s.") % {"n": deliverable.current_version}
                )
                return redirect("programme:deliverable", deliverable.pk)
        else:
            status = 400
    decisions = (
        Decision.objects.filter(body__kind__in=[BodyKind.STEERING_GROUP, BodyKind.DAILY_BOARD])
        .select_related("body")
        .order_by("-decided_on", "-number")[:50]
    )
    return render(
        request,
        "programme/deliverable_detail.html",
        {
            "deliverable": deliverable,
            "versions": versions,
            "current": current,
            "form": form,
            "conflict": conflict,
            "may_edit": may_edit,
            "can_decide": access.can_decide(actor),
            "adopt_form": AdoptForm(
                decisions=Decision.objects.filter(pk__in=[d.pk for d in decisions]).select_related(
                    "body"
                )
            ),
            "statuses": DeliverableStatus,
        },
        status=status,
    )


@require_permission(Permission.VIEW_PROGRAMME)
@require_POST
def deliverable_submit(request: PalliareRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable(pk)
    try:
        services.submit_deliverable(request.actor, deliverable)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Submitted to the steering group."))
    return redirect("programme:deliverable", deliverable.pk)


@require_permission(Permission.VIEW_PROGRAMME)
@require_POST
def deliverable_adopt(request: PalliareRequest, pk: int) -> HttpResponse:
    """Adopt a submitted deliverable by an existing decision (refused without one)."""
    if not access.can_decide(request.actor):
        raise PermissionDenied
    deliverable = _deliverable(pk)
    form = AdoptForm(
        request.POST,
        decisions=Decision.objects.select_related("body"),
    )
    decision = form.cleaned_data.get("decision") if form.is_valid() else None
    try:
        services.adopt_deliverable(request.actor, deliverable, decision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Adopted."))
    return redirect("programme:deliverable", deliverable.pk)
