"""The budget: the yearly subsidy, a budget per category and spending recorded against it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetYear(models.Model):
    """A year's funding: the subsidy granted (e.g. €141,414 in 2021); the members'
    contributions come from their membership."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    subsidy = models.DecimalField(_("subsidy (EUR)"), max_digits=12, decimal_places=2)
    funder = models.CharField(_("funder"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class BudgetLine(models.Model):
    """The budget of one category in a year (salaries, implementation, information, …)."""

    budget_year = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=120)
    amount = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_year", "category"], name="programme_budget_category_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.budget_year} {self.category}"


class Expense(models.Model):
    """Money spent against a budget line. Spending beyond the line needs a reason."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="expenses")
    spent_on = models.DateField(_("spent on"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    over_budget_reason = models.TextField(_("reason for exceeding the budget"), blank=True)
    recorded_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-spent_on", "-pk"]

    def __str__(self) -> str:
        return self.description
