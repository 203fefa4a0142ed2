"""Member organisations' own work: work plans, deliveries (who delivered, who is late,
reminders), self-evaluations with their action plans and the network's view of them, and the
bottleneck log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.monitoring import suppression
from palliare.ui.forms import apply_errors, parse_id

from .. import access, reporting, services
from ..constants import BodyKind
from ..forms import (
    BottleneckForm,
    BottleneckUpdateForm,
    DeliveryForm,
    RoundForm,
    SelfEvaluationActionForm,
    SelfEvaluationForm,
    WorkPlanForm,
)
from ..models import (
    BodyMeeting,
    Bottleneck,
    CoreElement,
    MemberOrganization,
    ReportingRound,
    SelfEvaluation,
    SelfEvaluationAction,
    Submission,
    WorkPlan,
)
from .common import form_page


def _member_for_edit(request: PalliareRequest, pk: int) -> MemberOrganization:
    member = access.get_member(pk)
    if not access.can_edit_member_work(request.actor, member):
        raise PermissionDenied
    return member


@require_permission(Permission.VIEW_PROGRAMME)
def work_plan_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    """Write the organisation's work plan for a year against the core elements."""
    member = _member_for_edit(request, pk)
    year = parse_id(request.GET.get("year") or request.POST.get("year"), 2100) or (
        timezone.localdate().year
    )
    elements = list(CoreElement.objects.filter(is_active=True))
    plan = WorkPlan.objects.filter(member=member, year=year).first()
    texts = {e.core_element_id: e.intentions for e in plan.entries.all()} if plan else {}
    form = WorkPlanForm(request.POST or None, elements=elements, initial_texts=texts)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_work_plan(request.actor, member, year=year, intentions=form.intentions())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Work plan saved."))
            return redirect("programme:member", member.pk)
    return form_page(
        request,
        form,
        title=_("Work plan %(year)s of %(name)s")
        % {"year": year, "name": member.organization.name},
        submit=_("Save"),
        back_url=reverse("programme:member", args=[member.pk]),
        intro=_("Per core element of the quality framework: what will you do this year?"),
    )


@require_permission(Permission.VIEW_PROGRAMME)
def deliver(request: PalliareRequest, pk: int) -> HttpResponse:
    """Upload the organisation's report (progress report, adjusted work plan)."""
    member = _member_for_edit(request, pk)
    rounds = ReportingRound.objects.exclude(submissions__member=member).order_by("due_on")
    initial = {}
    chosen = parse_id(request.GET.get("round"))
    if chosen:
        initial["round"] = chosen
    form = DeliveryForm(request.POST or None, request.FILES or None, rounds=rounds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.deliver(
                request.actor,
                form.cleaned_data["round"],
                member,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Delivered. Thank you."))
            return redirect("programme:member", member.pk)
    return form_page(
        request,
        form,
        title=_("Deliver a report for %(name)s") % {"name": member.organization.name},
        submit=_("Deliver"),
        back_url=reverse("programme:member", args=[member.pk]),
        multipart=True,
    )


@require_permission(Permission.VIEW_PROGRAMME)
def submission_download(request: PalliareRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(Submission, pk=pk)
    if not submission.file_name:
        return redirect("programme:member", submission.member_id)
    services.record_download("programme.delivery_downloaded", request.actor, submission)
    response = HttpResponse(bytes(submission.content), content_type=submission.content_type)
    safe = "".join(c for c in submission.file_name if c.isalnum() or c in "._- ")[:100]
    response["Content-Disposition"] = f'attachment; filename="{safe or "rapportage"}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_permission(Permission.VIEW_PROGRAMME)
def round_list(request: PalliareRequest) -> HttpResponse:
    """Who delivered and who is late, per reporting round."""
    today = timezone.localdate()
    rounds = [
        (r, reporting.deliveries(r, today)) for r in ReportingRound.objects.order_by("-due_on")[:6]
    ]
    return render(
        request,
        "programme/round_list.html",
        {"rounds": rounds, "today": today, "can_manage": access.can_manage(request.actor)},
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def round_add(request: PalliareRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_round(request.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:rounds")
    return form_page(
        request,
        form,
        title=_("New reporting round"),
        submit=_("Create"),
        back_url=reverse("programme:rounds"),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def round_remind(request: PalliareRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("programme:rounds")
    round_ = get_object_or_404(ReportingRound, pk=pk)
    sent = services.send_reminders(request.actor, round_)
    messages.success(request, _("%(n)s reminders sent.") % {"n": sent})
    return redirect("programme:rounds")


def _evaluation(member: MemberOrganization, pk: int | None) -> SelfEvaluation | None:
    if pk is None:
        return None
    return get_object_or_404(SelfEvaluation, pk=pk, member=member)


@require_permission(Permission.VIEW_PROGRAMME)
def self_evaluation_edit(
    request: PalliareRequest, pk: int, se_pk: int | None = None
) -> HttpResponse:
    member = _member_for_edit(request, pk)
    evaluation = _evaluation(member, se_pk)
    initial = {}
    if evaluation is not None:
        initial = {
            "phase": evaluation.phase,
            "started_on": evaluation.started_on,
            "done_on": evaluation.done_on,
            "themes": list(evaluation.themes.all()),
            "findings": evaluation.findings,
            "may_be_named": evaluation.may_be_named,
        }
    form = SelfEvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_self_evaluation(request.actor, member, evaluation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Self-evaluation saved."))
            return redirect("programme:member", member.pk)
    return form_page(
        request,
        form,
        title=_("Self-evaluation of %(name)s") % {"name": member.organization.name},
        submit=_("Save"),
        back_url=reverse("programme:member", args=[member.pk]),
    )


@require_permission(Permission.VIEW_PROGRAMME)
def self_evaluation_action_add(request: PalliareRequest, pk: int, se_pk: int) -> HttpResponse:
    member = _member_for_edit(request, pk)
    evaluation = get_object_or_404(SelfEvaluation, pk=se_pk, member=member)
    form = SelfEvaluationActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_self_evaluation_action(request.actor, evaluation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:member", member.pk)
    return form_page(
        request,
        form,
        title=_("Add to the action plan"),
        submit=_("Add"),
        back_url=reverse("programme:member", args=[member.pk]),
    )


@require_permission(Permission.VIEW_PROGRAMME)
def self_evaluation_action_status(request: PalliareRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        SelfEvaluationAction.objects.select_related("self_evaluation__member"), pk=pk
    )
    if request.method == "POST":
        try:
            services.set_self_evaluation_action_status(
                request.actor, item, request.POST.get("status", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("programme:member", item.self_evaluation.member_id)


@require_permission(Permission.VIEW_PROGRAMME)
def self_evaluation_overview(request: PalliareRequest) -> HttpResponse:
    """Uptake of the self-evaluation per subregion and organisation type, and the themes that
    come up across organisations (small counts as "<5", cells that would reveal one as "•";
    organisations named only if they agreed)."""
    return render(
        request,
        "programme/self_evaluations.html",
        {
            "uptake": reporting.uptake(),
            "themes": reporting.themes_across(),
            "min_count": suppression.min_count(),
            "min_denominator": suppression.min_denominator(),
        },
    )


@require_permission(Permission.VIEW_PROGRAMME)
def bottleneck_list(request: PalliareRequest) -> HttpResponse:
    bottlenecks = list(
        Bottleneck.objects.select_related("subregion", "owner", "meeting__body").order_by(
            "status", "-signalled_on"
        )
    )
    return render(
        request,
        "programme/bottleneck_list.html",
        {"bottlenecks": bottlenecks, "can_manage": access.can_manage(request.actor)},
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def bottleneck_add(request: PalliareRequest) -> HttpResponse:
    form = BottleneckForm(request.POST or None, initial={"signalled_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_bottleneck(request.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:bottlenecks")
    return form_page(
        request,
        form,
        title=_("Log a bottleneck"),
        submit=_("Log"),
        back_url=reverse("programme:bottlenecks"),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def bottleneck_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    bottleneck = get_object_or_404(Bottleneck, pk=pk)
    meetings = (
        BodyMeeting.objects.filter(body__kind__in=[BodyKind.STEERING_GROUP, BodyKind.DAILY_BOARD])
        .select_related("body")
        .order_by("-starts_at")
    )
    form = BottleneckUpdateForm(
        request.POST or None,
        meetings=meetings,
        initial={
            "status": bottleneck.status,
            "owner": bottleneck.owner,
            "meeting": bottleneck.meeting,
            "outcome": bottleneck.outcome,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_bottleneck(request.actor, bottleneck, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:bottlenecks")
    return form_page(
        request,
        form,
        title=bottleneck.title,
        submit=_("Save"),
        back_url=reverse("programme:bottlenecks"),
    )
