"""The budget: subsidy, budget per category, spending and the accountability overview."""

from __future__ import annotations

from django import forms
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
from palliare.ui.forms import DateInput, apply_errors

from .. import access, services
from ..models import BudgetLine, BudgetYear, Expense
from .common import form_page


class BudgetYearForm(forms.Form):
    subsidy = forms.DecimalField(
        label=gettext_lazy("Subsidy (EUR)"), min_value=0, max_digits=12, decimal_places=2
    )
    funder = forms.CharField(label=gettext_lazy("Funder"), max_length=200, required=False)


class BudgetLineForm(forms.Form):
    category = forms.CharField(label=gettext_lazy("Category"), max_length=120)
    amount = forms.DecimalField(
        label=gettext_lazy("Budget (EUR)"), min_value=0, max_digits=12, decimal_places=2
    )


class ExpenseForm(forms.Form):
    line = forms.ModelChoiceField(
        label=gettext_lazy("Category"), queryset=BudgetLine.objects.none()
    )
    spent_on = forms.DateField(label=gettext_lazy("Spent on"), widget=DateInput())
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (EUR)"), min_value=0, max_digits=12, decimal_places=2
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300)
    over_budget_reason = forms.CharField(
        label=gettext_lazy("Reason for exceeding the budget"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Only needed when the spending exceeds the category's budget."),
    )


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@require_permission(Permission.VIEW_PROGRAMME)
def budget_overview(request: PalliareRequest, year: int | None = None) -> HttpResponse:
    """The accountability overview of a year: income, budget and spending per category."""
    chosen = _year(year or timezone.localdate().year)
    budget = BudgetYear.objects.filter(year=chosen).first()
    return render(
        request,
        "programme/budget.html",
        {
            "year": chosen,
            "overview": services.accountability(chosen),
            "expenses": list(
                Expense.objects.filter(line__budget_year=budget).select_related("line")[:200]
            )
            if budget is not None
            else [],
            "years": list(BudgetYear.objects.values_list("year", flat=True)),
            "can_manage": access.can_manage(request.actor),
        },
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def budget_year_edit(request: PalliareRequest, year: int) -> HttpResponse:
    chosen = _year(year)
    existing = BudgetYear.objects.filter(year=chosen).first()
    form = BudgetYearForm(
        request.POST or None,
        initial={"subsidy": existing.subsidy, "funder": existing.funder} if existing else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_budget_year(request.actor, year=chosen, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:budget_year", chosen)
    return form_page(
        request,
        form,
        title=_("Subsidy %(year)s") % {"year": chosen},
        submit=_("Save"),
        back_url=reverse("programme:budget_year", args=[chosen]),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def budget_line_add(request: PalliareRequest, year: int) -> HttpResponse:
    budget = get_object_or_404(BudgetYear, year=_year(year))
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_budget_line(request.actor, budget, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:budget_year", budget.year)
    return form_page(
        request,
        form,
        title=_("Budget per category %(year)s") % {"year": budget.year},
        submit=_("Save"),
        back_url=reverse("programme:budget_year", args=[budget.year]),
    )


@require_permission(Permission.MANAGE_PROGRAMME)
def expense_add(request: PalliareRequest, year: int) -> HttpResponse:
    budget = get_object_or_404(BudgetYear, year=_year(year))
    form = ExpenseForm(request.POST or None, initial={"spent_on": timezone.localdate()})
    form.fields["line"].queryset = budget.lines.all()  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        line = data.pop("line")
        try:
            services.record_expense(request.actor, line, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programme:budget_year", budget.year)
    return form_page(
        request,
        form,
        title=_("Record spending %(year)s") % {"year": budget.year},
        submit=_("Record"),
        back_url=reverse("programme:budget_year", args=[budget.year]),
    )
