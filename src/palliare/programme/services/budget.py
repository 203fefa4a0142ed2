"""The budget: subsidy per year, budget per category, spending against it; the overview the
funder asks for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palliare.accounts.actors import Actor
from palliare.accounts.permissions import Permission
from palliare.audit.constants import AuditAction

from ..models import BudgetLine, BudgetYear, Expense, MemberOrganization
from .common import ensure, log


def _positive(value: Decimal, field_name: str) -> None:
    if value < 0:
        raise ValidationError({field_name: _("An amount cannot be negative.")})


@transaction.atomic
def set_budget_year(actor: Actor, *, year: int, subsidy: Decimal, funder: str = "") -> BudgetYear:
    """Record (or change) a year's subsidy."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})
    _positive(subsidy, "subsidy")
    row, _created = BudgetYear.objects.update_or_create(
        year=year, defaults={"subsidy": subsidy, "funder": funder.strip()}
    )
    log("programme.budget_year_saved", actor, row, year=year, subsidy=subsidy)
    return row


@transaction.atomic
def set_budget_line(
    actor: Actor, budget_year: BudgetYear, *, category: str, amount: Decimal
) -> BudgetLine:
    """Set the budget of a category in a year."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    _positive(amount, "amount")
    if not category.strip():
        raise ValidationError({"category": _("Name the category.")})
    line, _created = BudgetLine.objects.update_or_create(
        budget_year=budget_year, category=category.strip(), defaults={"amount": amount}
    )
    log("programme.budget_line_saved", actor, line, amount=amount)
    return line


@transaction.atomic
def record_expense(
    actor: Actor,
    line: BudgetLine,
    *,
    spent_on: dt.date,
    amount: Decimal,
    description: str,
    over_budget_reason: str = "",
) -> Expense:
    """Record spending against a budget line. Spending that would take the line beyond its
    budget is refused unless a reason is given."""
    ensure(actor, Permission.MANAGE_PROGRAMME)
    if amount <= 0:
        raise ValidationError({"amount": _("Give an amount above zero.")})
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": _("This date lies in the future.")})
    if spent_on.year != line.budget_year.year:
        raise ValidationError({"spent_on": _("This date lies outside the budget year.")})
    if not description.strip():
        raise ValidationError({"description": _("Describe the spending.")})
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    spent = locked.expenses.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if spent + amount > locked.amount and not over_budget_reason.strip():
        raise ValidationError(
            {
                "over_budget_reason": _(
                    "This would exceed the budget of %(category)s (%(budget)s, spent %(spent)s): "
                    "give a reason."
                )
                % {"category": locked.category, "budget": locked.amount, "spent": spent}
            }
        )
    expense = Expense.objects.create(
        line=locked,
        spent_on=spent_on,
        amount=amount,
        description=description.strip(),
        over_budget_reason=over_budget_reason.strip(),
        recorded_by_name=actor.audit_name,
    )
    log("programme.expense_recorded", actor, expense, AuditAction.CREATE, amount=amount)
    return expense


@dataclass
class LineTotal:
    line: BudgetLine
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.line.amount - self.spent


@dataclass
class Accountability:
    """What the funder asks: income (subsidy, contributions), budget and spending per category."""

    year: int
    subsidy: Decimal
    contributions: Decimal
    lines: list[LineTotal] = field(default_factory=list)

    @property
    def income(self) -> Decimal:
        return self.subsidy + self.contributions

    @property
    def budgeted(self) -> Decimal:
        return sum((t.line.amount for t in self.lines), Decimal(0))

    @property
    def spent(self) -> Decimal:
        return sum((t.spent for t in self.lines), Decimal(0))


def accountability(year: int) -> Accountability | None:
    """The accountability overview of a year (three queries), or None without a budget."""
    budget = BudgetYear.objects.filter(year=year).first()
    if budget is None:
        return None
    lines = list(budget.lines.annotate(total=Sum("expenses__amount")).order_by("category"))
    contributions = MemberOrganization.objects.current(dt.date(year, 12, 31)).aggregate(
        s=Sum("contribution")
    )["s"] or Decimal(0)
    return Accountability(
        year=year,
        subsidy=budget.subsidy,
        contributions=contributions,
        lines=[LineTotal(line, getattr(line, "total", None) or Decimal(0)) for line in lines],
    )
