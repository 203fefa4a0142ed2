"""Pages for district nursing and quality: the list of organisations with intake and quality
status, an organisation's page, its intake statement and service area, the quality checklist
and assessments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest, safe_url
from palliare.organizations.models import Municipality

from . import access, services
from .cards import intake_cards
from .constants import Channel, IntakeStatus, QualityStatus
from .forms import AssessmentForm, IntakeForm, RequirementForm, ServiceAreaForm
from .models import DistrictNursingService, IntakeStatusChange, QualityRequirement
from .quality import (
    ItemInput,
    quality_of,
    record_assessment,
    save_requirement,
    status_of_annotated,
)


def _service_or_404(pk: int) -> DistrictNursingService:
    return get_object_or_404(
        DistrictNursingService.objects.select_related("organization", "current_intake"),
        pk=pk,
        is_active=True,
    )


@require_permission(Permission.VIEW_DIRECTORY)
def nursing_list(request: PalliareRequest) -> HttpResponse:
    """District-nursing organisations: do they take new palliative clients, do they meet the
    regional requirements, where do they work."""
    today = timezone.localdate()
    municipality_id = request.GET.get("municipality", "")
    services_qs = (
        DistrictNursingService.objects.active()
        .with_quality(today)
        .select_related("organization", "current_intake")
        .prefetch_related("municipalities")
        .order_by("organization__name")
    )
    municipalities = list(Municipality.objects.filter(subregion__isnull=False).order_by("name"))
    # Compared as text with the municipalities offered: nothing else reaches the query ("²"
    # passes str.isdigit() but not int()).
    chosen = {str(m.pk): m for m in municipalities}.get(municipality_id)
    if chosen is not None:
        services_qs = services_qs.filter(municipalities=chosen)
    else:
        municipality_id = ""
    rows = []
    shown = list(services_qs[:500])
    for card, service in zip(intake_cards(shown), shown, strict=True):
        rows.append((card, status_of_annotated(service, today)))
    return render(
        request,
        "capacity/nursing_list.html",
        {
            "rows": rows,
            "municipalities": municipalities,
            "municipality": municipality_id,
            "can_manage_quality": request.actor.has(Permission.MANAGE_QUALITY),
        },
    )


def _nursing_context(
    request: PalliareRequest,
    service: DistrictNursingService,
    intake_form: IntakeForm | None = None,
) -> dict[str, object]:
    history = list(
        IntakeStatusChange.objects.filter(service=service).order_by("-recorded_at", "-pk")[:20]
    )
    can_update = access.can_update_intake(request.actor, service)
    if can_update and intake_form is None:
        initial = {"status": service.current_intake.status} if service.current_intake else {}
        intake_form = IntakeForm(initial=initial)
    assessments = list(
        service.assessments.order_by("-assessed_on", "-pk").prefetch_related("items")[:10]
    )
    return {
        "service": service,
        "card": intake_cards([service])[0],
        "quality": quality_of(service),
        "QualityStatus": QualityStatus,
        "history": history,
        "assessments": assessments,
        "municipalities": list(service.municipalities.order_by("name")),
        "postcode_areas": list(service.postcode_areas.order_by("pc4")),
        "can_update": can_update,
        "can_edit_area": access.can_edit_service_area(request.actor, service),
        "can_assess": request.actor.has(Permission.MANAGE_QUALITY),
        "intake_form": intake_form,
        "today": timezone.localdate(),
    }


@require_permission(Permission.VIEW_DIRECTORY)
def nursing_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """One district-nursing organisation: room for new clients, quality, service area."""
    service = _service_or_404(pk)
    return render(request, "capacity/nursing_detail.html", _nursing_context(request, service))


@require_permission(Permission.UPDATE_INTAKE_STATUS)
@require_POST
def nursing_intake(request: PalliareRequest, pk: int) -> HttpResponse:
    """The organisation says whether it takes new palliative clients."""
    service = _service_or_404(pk)
    if not access.can_update_intake(request.actor, service):
        raise PermissionDenied
    form = IntakeForm(request.POST)
    if form.is_valid():
        change = services.record_intake_status(
            service,
            actor=request.actor,
            status=form.cleaned_data["status"],
            effective_date=form.cleaned_data["effective_date"],
            note=form.cleaned_data["note"],
            channel=Channel.QUICK if request.POST.get("next") else Channel.WEB,
        )
        messages.success(
            request, _("Saved: %(status)s.") % {"status": IntakeStatus(change.status).label}
        )
        target = request.POST.get("next", "")
        return HttpResponseRedirect(
            safe_url(request, target, reverse("capacity:nursing", args=[service.pk]))
        )
    return render(
        request,
        "capacity/nursing_detail.html",
        _nursing_context(request, service, intake_form=form),
        status=400,
    )


@require_permission(Permission.VIEW_DIRECTORY)
def nursing_area(request: PalliareRequest, pk: int) -> HttpResponse:
    """Where the organisation works: whole municipalities and separate postcode areas."""
    service = _service_or_404(pk)
    if not access.can_edit_service_area(request.actor, service):
        raise PermissionDenied
    if request.method == "POST":
        form = ServiceAreaForm(request.POST)
        if form.is_valid():
            services.set_service_area(
                service,
                actor=request.actor,
                municipalities=form.cleaned_data["municipalities"],
                postcode_areas=form.cleaned_data["postcodes"],
                referral_phone=form.cleaned_data["referral_phone"],
            )
            messages.success(request, _("The service area is saved."))
            return HttpResponseRedirect(reverse("capacity:nursing", args=[service.pk]))
    else:
        form = ServiceAreaForm(
            initial={
                "municipalities": list(service.municipalities.values_list("pk", flat=True)),
                "postcodes": ", ".join(service.postcode_areas.values_list("pc4", flat=True)),
                "referral_phone": service.referral_phone,
            }
        )
    return render(request, "capacity/nursing_area.html", {"service": service, "form": form})


@require_permission(Permission.MANAGE_QUALITY)
def nursing_assess(request: PalliareRequest, pk: int) -> HttpResponse:
    """Record an assessment against the requirements in use, with evidence."""
    service = _service_or_404(pk)
    requirements = list(QualityRequirement.objects.filter(is_active=True))
    form = AssessmentForm(
        request.POST or None,
        requirements=requirements,
        initial={"assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_assessment(
                service,
                actor=request.actor,
                assessed_on=data["assessed_on"],
                valid_until=data["valid_until"],
                assessor=data["assessor"],
                note=data["note"],
                items=[
                    ItemInput(r, bool(data[f"met_{r.pk}"]), data[f"evidence_{r.pk}"])
                    for r in requirements
                ],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The assessment is saved."))
            return HttpResponseRedirect(reverse("capacity:nursing", args=[service.pk]))
    return render(
        request,
        "capacity/nursing_assess.html",
        {"service": service, "form": form, "requirements": requirements},
        status=400 if form.errors else 200,
    )


@require_permission(Permission.MANAGE_QUALITY)
def requirement_list(request: PalliareRequest) -> HttpResponse:
    """The regional quality requirements for district nursing; add one."""
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_requirement(form.instance, actor=request.actor)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The requirement is added."))
            return HttpResponseRedirect(reverse("capacity:requirements"))
    return render(
        request,
        "capacity/requirement_list.html",
        {
            "requirements": QualityRequirement.objects.order_by("-is_active", "order", "pk"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_permission(Permission.MANAGE_QUALITY)
def requirement_edit(request: PalliareRequest, pk: int) -> HttpResponse:
    """Change a requirement's wording, order, or take it out of use."""
    requirement = get_object_or_404(QualityRequirement, pk=pk)
    form = RequirementForm(request.POST or None, instance=requirement)
    if request.method == "POST" and form.is_valid():
        save_requirement(form.instance, actor=request.actor)
        messages.success(request, _("The requirement is saved."))
        return HttpResponseRedirect(reverse("capacity:requirements"))
    return render(
        request,
        "capacity/requirement_edit.html",
        {"requirement": requirement, "form": form},
        status=400 if form.errors else 200,
    )
