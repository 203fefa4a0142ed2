"""CSV export and import of the regional directory, for the network coordinator."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest

from . import directory_csv
from .forms import DirectoryImportForm


@require_permission(Permission.MANAGE_DIRECTORY)
def directory(request: PalliareRequest) -> HttpResponse:
    """Download the directory as CSV, or upload a changed file (all-or-nothing)."""
    form = DirectoryImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(directory_csv.MAX_BYTES + 1)
        report = directory_csv.import_csv(
            data, actor=request.actor, check_only=form.cleaned_data["check_only"]
        )
    return render(
        request,
        "organizations/directory_exchange.html",
        {"form": form, "report": report, "columns": directory_csv.COLUMNS},
        status=400 if (form.errors or (report and not report.ok)) else 200,
    )


@require_permission(Permission.MANAGE_DIRECTORY)
@require_GET
def directory_export(request: PalliareRequest) -> HttpResponse:
    """The directory as a CSV file."""
    text = directory_csv.export_csv(actor=request.actor)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="directory-{stamp}.csv"'
    return response
