"""Pages for beds and search: search near a postcode (with the map), the overview of all beds,
a facility's page with its history, and the bed reports (full form and +/- buttons)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest, safe_url
from palliare.organizations.models import Subregion
from palliare.ui.forms import parse_id

from . import access, services
from .cards import bed_state, facility_cards, managed_facility_cards
from .charts import occupancy_chart
from .constants import AdmissionStatus, Channel, FacilityKind
from .forms import DISTRICT_NURSING, AdjustForm, BedStatusForm, SearchForm
from .maps import MapPoint, region_map
from .models import BedStatus, Facility
from .search import FacilityHit, facilities_near, nursing_near

HISTORY_PAGE_SIZE = 50


def _points(hits: list[FacilityHit]) -> list[MapPoint]:
    return [
        MapPoint(
            latitude=hit.latitude,
            longitude=hit.longitude,
            label=hit.facility.display_name,
            state=bed_state(hit.facility.current_status),
            number=number,
            stale=hit.is_stale,
        )
        for number, hit in enumerate(hits, start=1)
    ]


@require_permission(Permission.VIEW_DIRECTORY)
def search(request: PalliareRequest) -> HttpResponse:
    """Where can this patient go? Facilities with a free bed and district nursing with room that
    meets the requirements, nearest to a postcode first, with a map."""
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {
        "form": form,
        "searched": bool(request.GET),
        "can_manage_quality": request.actor.has(Permission.MANAGE_QUALITY),
        # Came from a patient's referral form: each place gets "refer" (the referral page
        # itself checks that the user may see that patient).
        "refer_patient": (
            parse_id(request.GET.get("patient"))
            if request.actor.has(Permission.SEND_REFERRAL)
            else None
        ),
    }
    if form.is_valid():
        area = form.cleaned_data["postcode"]
        kind = form.cleaned_data["type"]
        show_all = form.cleaned_data["show_all"]
        facilities = (
            []
            if kind == DISTRICT_NURSING
            else facilities_near(area, kinds=[kind] if kind else (), only_available=not show_all)
        )
        nursing = (
            nursing_near(area, only_taking_clients=not show_all, only_qualified=not show_all)
            if kind in ("", DISTRICT_NURSING)
            else []
        )
        context.update(
            area=area,
            facilities=[
                (n, hit, bed_state(hit.facility.current_status))
                for n, hit in enumerate(facilities, start=1)
            ],
            nursing=nursing,
            show_facilities=kind != DISTRICT_NURSING,
            show_nursing=kind in ("", DISTRICT_NURSING),
            show_all=show_all,
            map=region_map(
                _points(facilities),
                origin=area,
                origin_label=_("Postcode area %(pc4)s") % {"pc4": area.pk},
            ),
        )
    template = "capacity/partials/search_results.html" if request.htmx else "capacity/search.html"
    return render(request, template, context)


@require_permission(Permission.VIEW_DIRECTORY)
def overview(request: PalliareRequest) -> HttpResponse:
    """All facilities of the region with their beds now, last update and a map."""
    kind = request.GET.get("kind", "")
    subregion = request.GET.get("subregion", "")
    facilities = Facility.objects.active().with_current().order_by("name", "pk")
    if kind in FacilityKind.values:
        facilities = facilities.filter(kind=kind)
    else:
        kind = ""
    subregions = list(Subregion.objects.order_by("name"))
    if subregion and subregion in {s.code for s in subregions}:
        facilities = facilities.filter(organization__subregion__code=subregion)
    else:
        subregion = ""
    page = Paginator(facilities, 100).get_page(request.GET.get("page"))
    cards = facility_cards(list(page.object_list))
    now = timezone.now()
    points = [
        MapPoint(
            latitude=c.facility.location.postcode_area.latitude,
            longitude=c.facility.location.postcode_area.longitude,
            label=c.facility.display_name,
            state=c.state,
            number=number,
            stale=c.is_stale,
        )
        for number, c in enumerate(cards, start=page.start_index())
        if c.facility.location.postcode_area is not None
    ]
    return render(
        request,
        "capacity/overview.html",
        {
            "page": page,
            "numbered": list(enumerate(cards, start=page.start_index())),
            "kinds": FacilityKind.choices,
            "kind": kind,
            "subregions": subregions,
            "subregion": subregion,
            "map": region_map(points),
            "now": now,
            "stale_count": sum(1 for c in cards if c.is_stale),
            "can_manage_quality": request.actor.has(Permission.MANAGE_QUALITY),
        },
    )


def _facility_or_404(pk: int) -> Facility:
    return get_object_or_404(Facility.objects.with_current(), pk=pk, is_active=True)


def _detail_context(
    request: PalliareRequest, facility: Facility, form: BedStatusForm | None = None
) -> dict[str, object]:
    history = BedStatus.objects.filter(facility=facility).order_by("-recorded_at", "-pk")
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    can_update = access.can_update_facility(request.actor, facility)
    status = facility.current_status
    if can_update and form is None:
        initial = {"admission_status": AdmissionStatus.OPEN, "waiting_list": 0}
        if status is not None:
            initial = {
                "beds": status.beds,
                "free_beds": status.free_beds,
                "admission_status": status.admission_status,
                "waiting_list": status.waiting_list,
                "note": status.note,
            }
        initial["based_on"] = facility.current_status_id
        form = BedStatusForm(initial=initial)
    card = facility_cards([facility])[0]
    return {
        "chart": occupancy_chart(facility.pk),
        "facility": facility,
        "card": card,
        "page": page,
        "form": form,
        "can_update": can_update,
    }


@require_permission(Permission.VIEW_DIRECTORY)
def facility_detail(request: PalliareRequest, pk: int) -> HttpResponse:
    """One facility: its beds now, how to reach it, and the history of its reports."""
    facility = _facility_or_404(pk)
    return render(request, "capacity/facility_detail.html", _detail_context(request, facility))


@require_permission(Permission.UPDATE_FACILITY_CAPACITY)
@require_POST
def facility_report(request: PalliareRequest, pk: int) -> HttpResponse:
    """The full bed report of the facility's own staff."""
    facility = _facility_or_404(pk)
    if not access.can_update_facility(request.actor, facility):
        raise PermissionDenied
    form = BedStatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_bed_status(
                facility,
                actor=request.actor,
                beds=data["beds"],
                free_beds=data["free_beds"],
                admission_status=data["admission_status"],
                waiting_list=data["waiting_list"],
                note=data["note"],
                channel=Channel.WEB,
                based_on=data["based_on"],
                check_concurrency=True,
            )
        except services.ConcurrentUpdateError as exc:
            current = exc.current
            form.add_error(
                None,
                _(
                    "Someone else reported the beds meanwhile (now %(free)s of %(beds)s free, "
                    "by %(who)s). Check the numbers and save again."
                )
                % {
                    "free": current.free_beds if current else 0,
                    "beds": current.beds if current else 0,
                    "who": current.recorded_by_name if current else "",
                },
            )
            data_copy = request.POST.copy()
            data_copy["based_on"] = str(current.pk) if current else ""
            form.data = data_copy
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Saved: %(free)s of %(beds)s beds free.")
                % {"free": data["free_beds"], "beds": data["beds"]},
            )
            return HttpResponseRedirect(reverse("capacity:facility", args=[facility.pk]))
    facility = _facility_or_404(pk)
    return render(
        request,
        "capacity/facility_detail.html",
        _detail_context(request, facility, form),
        status=400,
    )


@require_permission(Permission.UPDATE_FACILITY_CAPACITY)
@require_POST
def facility_adjust(request: PalliareRequest, pk: int) -> HttpResponse:
    """The +/- and "still correct" buttons of the start page."""
    facility = _facility_or_404(pk)
    if not access.can_update_facility(request.actor, facility):
        raise PermissionDenied
    form = AdjustForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Unknown action.")
    else:
        action = form.cleaned_data["action"]
        try:
            if action == "confirm":
                services.confirm_bed_status(facility, actor=request.actor)
            else:
                services.adjust_free_beds(
                    facility, actor=request.actor, delta=1 if action == "plus" else -1
                )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx:
        card = managed_facility_cards([facility.pk], error_for=facility.pk, error=error)[0]
        return render(request, "capacity/partials/facility_quick.html", {"card": card})
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(safe_url(request, request.POST.get("next", ""), reverse("ui:home")))
