"""The patient's access report (NEN 7513, "who looked at my record"): the privacy officer finds
the patient by BSN and produces the report of any patient; the patient's lead practitioner or
GP produces it to show the patient. Page, CSV and PDF; producing it is logged."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import MAX_ID

from . import report
from .forms import ReportFindForm


@require_permission(Permission.VIEW_ACCESS_LOG)
def report_find(request: PalliareRequest) -> HttpResponse:
    """Choose the patient whose access report to produce (by BSN). The lookup is logged, found
    or not (legal ground: privacy review)."""
    form = ReportFindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = report.subjects().find(request.actor, form.cleaned_data["bsn"])
        if patient is not None:
            return redirect("audit:access_report", pk=patient.pk)
        form.add_error("bsn", _("No patient with this BSN is registered."))
    return render(request, "audit/access_report_find.html", {"form": form})


def _report_response(
    request: PalliareRequest, patient: report.Subject, *, requested_as: str = ""
) -> HttpResponse:
    """The access report as a page of grouped lines, CSV (?format=csv, every event) or PDF
    (?format=pdf, grouped, bounded); producing it is logged."""
    export = request.GET.get("format", "")
    if export not in ("", "csv", "pdf"):
        raise Http404
    report.record_report(request.actor, patient, export=export, requested_as=requested_as)
    stamp = timezone.localdate().isoformat()
    if export == "csv":
        response = HttpResponse(
            "\ufeff" + report.as_csv(patient), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="inzage-{patient.pk}-{stamp}.csv"'
        return response
    if export == "pdf":
        response = HttpResponse(report.as_pdf(patient), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="inzage-{patient.pk}-{stamp}.pdf"'
        return response
    page = Paginator(report.grouped_for(patient), report.REPORT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/access_report.html",
        {
            "patient": patient,
            "page": page,
            "rows": list(report.grouped_rows(page.object_list, for_patient=bool(requested_as))),
            "header": report.patient_header() if requested_as else report.header(),
            "requested_as": requested_as,
        },
    )


@never_cache
@require_permission(Permission.VIEW_ACCESS_LOG)
def access_report(request: PalliareRequest, pk: int) -> HttpResponse:
    """Who looked at this patient's record, for the privacy officer (any patient)."""
    if pk > MAX_ID:
        raise Http404
    return _report_response(request, report.subjects().for_privacy_officer(request.actor, pk))


@never_cache
@require_permission(Permission.VIEW_PATIENT)
def practice_access_report(request: PalliareRequest, pk: int) -> HttpResponse:
    """Who looked at this patient's record, produced by the patient's lead practitioner or GP
    to show the patient (NEN 7513 right of inspection). Anyone else — and a patient outside the
    actor's care — gets the same 404 as a patient that does not exist."""
    if pk > MAX_ID:
        raise Http404
    patient, requested_as = report.subjects().for_practitioner(request.actor, pk)
    return _report_response(request, patient, requested_as=requested_as)


def _moved(request: PalliareRequest, name: str, *args: int) -> HttpResponse:
    url = reverse(name, args=args)
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return redirect(url, permanent=True)


@require_permission(Permission.VIEW_ACCESS_LOG)
def moved_find(request: PalliareRequest) -> HttpResponse:
    """The lookup's old path under /acute/ (before issue 19 item 15)."""
    return _moved(request, "audit:access_report_find")


@require_permission(Permission.VIEW_ACCESS_LOG)
def moved_report(request: PalliareRequest, pk: int) -> HttpResponse:
    """The privacy officer's report's old path under /acute/."""
    return _moved(request, "audit:access_report", pk)


@require_permission(Permission.VIEW_PATIENT)
def moved_practice_report(request: PalliareRequest, pk: int) -> HttpResponse:
    """The practitioner's report's old path under /acute/: the links in notifications already
    sent point there."""
    return _moved(request, "audit:practice_access_report", pk)
