"""The activity plan per year: the table, adding and changing rows, carrying unfinished rows to
next year, XLSX and PDF exports."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palliare.accounts.decorators import require_permission
from palliare.accounts.permissions import Permission
from palliare.accounts.requests import PalliareRequest
from palliare.ui.forms import apply_errors

from .. import access, services
from ..constants import ActivityStatus
from ..models import ActivityRow, BodyMeeting, Deliverable
from ..services import activities as activity_exports
from .common import form_page


class ActivityForm(forms.Form):
    theme = forms.CharField(label=gettext_lazy("Theme"), max_length=200)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    goal = forms.CharField(label=gettext_lazy("Goal"), widget=forms.Textarea(attrs={"rows": 3}))
    action_and_result = forms.CharField(
        label=gettext_lazy("Action and result"), widget=forms.Textarea(attrs={"rows": 3})
    )
    by_whom = forms.CharField(label=gettext_lazy("By whom"), max_length=300)
    network = forms.CharField(label=gettext_lazy("Which network"), max_length=200, initial="Alle")
    timeline = forms.CharField(label=gettext_lazy("Timeline"), max_length=100)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ActivityStatus.choices)
    deliverable = forms.ModelChoiceField(
        label=gettext_lazy("Deliverable"),
        queryset=Deliverable.objects.order_by("title"),
        required=False,
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Meeting"),
        queryset=BodyMeeting.objects.select_related("body").order_by("-starts_at"),
        required=False,
    )
    link = forms.URLField(
        label=gettext_lazy("Link (training, event)"), required=False, assume_scheme="https"
    )


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@require_permission(Permission.VIEW_PROGRAMME)
def activity_plan(request: PalliareRequest, year: int | None = None) -> HttpResponse:
    chosen = _year(year or timezone.localdate().year)
    rows = list(
        ActivityRow.objects.filter(year=chosen)
        .select_related("deliverable", "meeting__body", "carried_from")
        .order_by("position", "pk")
    )
    return render(
        request,
        "programme/activity_plan.html",
        {"year": chosen, "rows": rows, "can_manage": access.can_manage(request.actor)},
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def activity_edit(request: PalliareRequest, year: int, pk: int | None = None) -> HttpResponse:
    chosen = _year(year)
    row = get_object_or_404(ActivityRow, pk=pk, year=chosen) if pk else None
    initial = {f: getattr(row, f) for f in ActivityForm.base_fields} if row else {}
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_activity(request.actor, row, year=chosen, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:activities_year", chosen)
    return form_page(
        request,
        form,
        title=_("Activity plan %(year)s") % {"year": chosen},
        submit=_("Save"),
        back_url=reverse("programme:activities_year", args=[chosen]),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def activity_carry_over(request: PalliareRequest, year: int) -> HttpResponse:
    chosen = _year(year)
    if request.method == "POST":
        created = services.carry_over(request.actor, chosen)
        messages.success(
            request,
            _("%(n)s unfinished rows carried to %(year)s.")
            % {"n": len(created), "year": chosen + 1},
        )
        return redirect("programme:activities_year", chosen + 1)
    return redirect("programme:activities_year", chosen)


@require_permission(Permission.VIEW_PROGRAMME)
def activity_export(request: PalliareRequest, year: int, kind: str) -> HttpResponse:
    chosen = _year(year)
    if kind == "xlsx":
        body = activity_exports.to_xlsx(chosen)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif kind == "pdf":
        body = activity_exports.to_pdf(chosen, settings.NETWORK_NAME)
        content_type = "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="activiteitenplan-{chosen}.{kind}"'
    return response
