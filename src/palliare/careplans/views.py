"""Pages of the care plan: the plan, editing (a new version), versions and what changed, the
kept draft after a concurrent save, the printed copy, and the practice's list of plans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.patients import access
from palliare.patients import services as patient_services
from palliare.patients.constants import ConsentScope
from palliare.patients.models import Patient
from palliare.ui.forms import parse_id

from . import access as careplan_access
from . import content as plan_content
from . import printing, services
from .constants import DraftStatus
from .display import present
from .forms import PlanEditor
from .models import CarePlan, CarePlanDraft, CarePlanVersion


def _versions(plan: CarePlan | None) -> list[CarePlanVersion]:
    if plan is None:
        return []
    return list(
        plan.versions.only(
            "number", "created_at", "author_name", "author_organization_name", "note", "plan_id"
        ).order_by("-number")
    )


def _open_drafts(request: PalliareRequest, plan: CarePlan | None) -> list[CarePlanDraft]:
    if plan is None or request.actor.user is None:
        return []
    return list(
        plan.drafts.filter(author=request.actor.user, status=DraftStatus.OPEN).order_by(
            "-created_at"
        )
    )


@require_permission(Permission.VIEW_PATIENT, Permission.VIEW_CARE_PLAN)
def plan_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """The current care plan: treatment limits first, then everything agreed."""
    patient = access.get_patient_for(request.actor, pk, event="careplans.plan_read")
    plan = services.current_plan(patient)
    version = plan.current_version if plan else None
    display = present(version.content) if version else None
    acute_consent = patient_services.has_active_consent(patient, ConsentScope.ACUTE_CARE)
    context = {
        "patient": patient,
        "plan": plan,
        "version": version,
        "plan_display": display,
        "versions": _versions(plan),
        "drafts": _open_drafts(request, plan),
        "acute_consent": acute_consent,
        "review_due": bool(
            plan and plan.review_due_on and plan.review_due_on <= timezone.localdate()
        ),
        "care_team": list(patient_services.current_care_team(patient)),
    }
    return render(request, "careplans/plan_detail.html", context)


def _team(patient: Patient) -> list[Any]:
    return list(patient_services.current_care_team(patient))


@require_permission(Permission.VIEW_PATIENT, Permission.EDIT_CARE_PLAN)
def plan_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    """Record or change the plan. Saving makes a new version; when someone saved in between,
    the changes are kept as a draft and the editor is shown both."""
    actor = request.actor
    patient = access.get_patient_for(actor, pk, event="careplans.plan_edit_read")
    if patient.is_deceased:
        messages.info(request, _("The patient has died; the care plan can no longer be changed."))
        return redirect("careplans:plan", pk=patient.pk)
    plan = services.current_plan(patient)
    version = plan.current_version if plan else None
    current_number = plan.current_number if plan else 0
    draft = None
    draft_id = parse_id(request.GET.get("draft") or request.POST.get("draft"))
    if draft_id is not None and plan is not None and actor.user is not None:
        draft = careplan_access.own_open_draft(actor, plan, draft_id)
    team = _team(patient)
    if request.method == "POST":
        editor = PlanEditor.build(
            data=request.POST,
            content=version.content if version else plan_content.empty(),
            based_on=current_number,
            team=team,
        )
        if editor.is_valid():
            try:
                saved = services.save_plan(
                    actor,
                    patient,
                    content=editor.content(),
                    based_on=editor.form.cleaned_data["based_on"],
                    note=editor.form.cleaned_data.get("note") or "",
                    draft=draft,
                )
            except services.PlanConflict as conflict:
                return redirect("careplans:draft", pk=patient.pk, draft_pk=conflict.draft.pk)
            except ValidationError as exc:
                editor.apply_errors(exc)
            else:
                if saved.number == current_number:
                    messages.info(
                        request,
                        _("Nothing changed: version %(n)s stays current.") % {"n": saved.number},
                    )
                else:
                    messages.success(request, _("Saved as version %(n)s.") % {"n": saved.number})
                return redirect("careplans:plan", pk=patient.pk)
    else:
        source = version.content if version else plan_content.empty()
        if draft is not None and plan is not None:
            base = plan.versions.filter(number=draft.based_on).first()
            source = plan_content.merge(
                base.content if base else plan_content.empty(), draft.content, source
            )
        editor = PlanEditor.build(
            content=plan_content.normalise(source),
            based_on=current_number,
            draft_id=draft.pk if draft else None,
            team=team,
        )
    return render(
        request,
        "careplans/plan_form.html",
        {
            "patient": patient,
            "plan": plan,
            "version": version,
            "editor": editor,
            "form": editor.form,
            "draft": draft,
        },
    )


def _plan_or_404(patient: Patient) -> CarePlan:
    plan = services.current_plan(patient)
    if plan is None or plan.current_version is None:
        raise Http404
    return plan


@require_permission(Permission.VIEW_PATIENT, Permission.VIEW_CARE_PLAN)
def version_detail(request: PalliareRequest, pk: int, number: int) -> HttpResponse:
    """An earlier (or the current) version, read-only."""
    patient = access.get_patient_for(
        request.actor, pk, event="careplans.version_read", details={"version": str(number)}
    )
    plan = _plan_or_404(patient)
    version = get_object_or_404(CarePlanVersion, plan=plan, number=number)
    return render(
        request,
        "careplans/version_detail.html",
        {
            "patient": patient,
            "plan": plan,
            "version": version,
            "plan_display": present(version.content),
            "versions": _versions(plan),
            "is_current": version.number == plan.current_number,
        },
    )


def _number(value: str | None, default: int, *, current: int) -> int:
    """A version number from the query string: ``default`` when absent or not a number,
    Http404 when it names no version (outside 1..current)."""
    if not value or not (value.isascii() and value.isdigit()):
        return default
    number = parse_id(value, current)
    if number is None:
        raise Http404
    return number


@require_permission(Permission.VIEW_PATIENT, Permission.VIEW_CARE_PLAN)
def compare(request: PalliareRequest, pk: int) -> HttpResponse:
    """What changed between any two versions, field by field."""
    patient = access.get_patient_for(request.actor, pk, event="careplans.versions_compared")
    plan = _plan_or_404(patient)
    b = _number(request.GET.get("b"), plan.current_number, current=plan.current_number)
    a = _number(request.GET.get("a"), max(b - 1, 1), current=plan.current_number)
    found = {v.number: v for v in plan.versions.filter(number__in=[a, b])}
    if a not in found or b not in found:
        raise Http404
    older, newer = found[a], found[b]
    changes, ended_changes = plan_content.split_ended(
        plan_content.diff(older.content, newer.content)
    )
    return render(
        request,
        "careplans/compare.html",
        {
            "patient": patient,
            "plan": plan,
            "older": older,
            "newer": newer,
            "changes": changes,
            "ended_changes": ended_changes,
            "versions": _versions(plan),
        },
    )


@require_permission(Permission.VIEW_PATIENT, Permission.EDIT_CARE_PLAN)
def draft_detail(request: PalliareRequest, pk: int, draft_pk: int) -> HttpResponse:
    """After a concurrent save: what the other person saved and what you tried to save. Your
    changes are kept; take them up in a new version or discard them."""
    actor = request.actor
    patient = access.get_patient_for(actor, pk, event="careplans.draft_read")
    plan = _plan_or_404(patient)
    draft = get_object_or_404(CarePlanDraft, pk=draft_pk, plan=plan, author=actor.user)
    if request.method == "POST" and draft.status == DraftStatus.OPEN:
        services.discard_draft(actor, draft)
        messages.info(request, _("Your draft was discarded."))
        return redirect("careplans:plan", pk=patient.pk)
    base = plan.versions.filter(number=draft.based_on).first()
    current = plan.current_version
    assert current is not None
    base_content = base.content if base else plan_content.empty()
    return render(
        request,
        "careplans/draft.html",
        {
            "patient": patient,
            "plan": plan,
            "draft": draft,
            "current": current,
            "theirs": plan_content.diff(base_content, current.content),
            "mine": plan_content.diff(base_content, draft.content),
            "mine_vs_current": plan_content.diff(current.content, draft.content),
        },
    )


@require_permission(Permission.VIEW_PATIENT, Permission.VIEW_CARE_PLAN)
def print_pdf(request: PalliareRequest, pk: int) -> HttpResponse:
    """The printed copy for the patient's home (PDF)."""
    patient = access.get_patient_for(request.actor, pk, event="careplans.print_read")
    plan = _plan_or_404(patient)
    number = _number(request.GET.get("version"), plan.current_number, current=plan.current_number)
    version = get_object_or_404(CarePlanVersion, plan=plan, number=number)
    services.record_print(request.actor, plan, version)
    acute_url = request.build_absolute_uri(reverse("acute:plan_code", args=[plan.identifier]))
    pdf = printing.render_plan_pdf(patient, plan, version, acute_url=acute_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"zorgplan-{plan.identifier}-v{version.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


PER_PAGE = 50


@require_permission(Permission.VIEW_PATIENT, Permission.VIEW_CARE_PLAN)
def plan_list(request: PalliareRequest) -> HttpResponse:
    """The care plans of the patients I may see: which are due for review, which are missing."""
    actor = request.actor
    view = request.GET.get("view", "")
    page = careplan_access.plan_list_page(
        actor, view=view, page=request.GET.get("page"), per_page=PER_PAGE
    )
    rows = page.object_list
    template = "careplans/partials/plan_rows.html" if request.htmx else "careplans/plan_list.html"
    return render(
        request,
        template,
        {"page": page, "rows": rows, "view": view, "today": timezone.localdate()},
    )
