"""The annual report: draft (narrative plus the year's data), issue, issued copies."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors

from .. import access, annual_report, services
from ..models import AnnualReport, IssuedReport


def _narrative_form(data: object, initial: dict[str, str]) -> forms.Form:
    form = forms.Form(data or None)  # type: ignore[arg-type]
    for key, label in annual_report.NARRATIVE:
        form.fields[key] = forms.CharField(
            label=label,
            required=False,
            initial=initial.get(key, ""),
            widget=forms.Textarea(attrs={"rows": 5}),
        )
    return form


@require_permission(Permission.VIEW_PROGRAMME)
def report_list(request: PalliareRequest) -> HttpResponse:
    """Drafts and issued reports. An issued year is no longer a draft, unless the narrative
    was edited after its last issue (a new draft of that year)."""
    this_year = timezone.localdate().year
    reports = {
        r.year: r for r in AnnualReport.objects.annotate(last_issued_at=Max("issued__issued_at"))
    }

    def is_draft(year: int) -> bool:
        report = reports.get(year)
        if report is None or report.last_issued_at is None:
            return True
        return bool(report.updated_at > report.last_issued_at)

    years = sorted(set(reports) | {this_year, this_year - 1}, reverse=True)
    issued = list(
        IssuedReport.objects.select_related("report")
        .defer("pdf", "docx")
        .order_by("-report__year", "-number")
    )
    return render(
        request,
        "programme/report_list.html",
        {
            "years": [y for y in years if is_draft(y)],
            "issued": issued,
            "can_manage": access.can_manage(request.actor),
        },
    )


@require_permission(Permission.VIEW_PROGRAMME)
def report_detail(request: PalliareRequest, year: int) -> HttpResponse:
    """The draft of a year: the narrative (editable by the coordinator) and the sections
    assembled from the year's data."""
    if not 2000 <= year <= 2100:
        raise Http404
    report = AnnualReport.objects.filter(year=year).first() or AnnualReport(year=year)
    can_manage = access.can_manage(request.actor)
    form = _narrative_form(
        request.POST if request.method == "POST" else None, report.narrative or {}
    )
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                services.save_report_narrative(request.actor, year, form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("programme:report", year)
    return render(
        request,
        "programme/report_detail.html",
        {
            "year": year,
            "assembled": annual_report.assemble(report),
            "form": form,
            "can_manage": can_manage,
            "issued": list(IssuedReport.objects.filter(report__year=year).defer("pdf", "docx")),
        },
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def report_issue(request: PalliareRequest, year: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("programme:report", year)
    try:
        issued = services.issue_report(request.actor, year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programme:reports")
    messages.success(request, _("Annual report %(year)s issued.") % {"year": year})
    return redirect("programme:report", issued.report.year)


@require_permission(Permission.VIEW_PROGRAMME)
def issued_download(request: PalliareRequest, pk: int, kind: str) -> HttpResponse:
    issued = get_object_or_404(IssuedReport.objects.select_related("report"), pk=pk)
    if kind == "pdf":
        body, content_type = bytes(issued.pdf), "application/pdf"
    elif kind == "docx":
        body = bytes(issued.docx)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    services.record_download("programme.annual_report_downloaded", request.actor, issued)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="jaarbericht-{issued.report.year}-{issued.number}.{kind}"'
    )
    return response
