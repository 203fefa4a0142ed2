"""The budget: spending that would exceed a category's budget is refused without a reason and
kept with one; the accountability overview adds subsidy and members' contributions and shows
budget, spent and remaining per category; the annual report carries it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from palliare.programme import annual_report, services
from palliare.programme.models import AnnualReport, Expense

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(world):
    year = timezone.localdate().year
    budget = services.set_budget_year(
        world.coordinator, year=year, subsidy=Decimal("141414.00"), funder="VWS"
    )
    line = services.set_budget_line(
        world.coordinator, budget, category="Implementatie ACP", amount=Decimal("1000")
    )
    return budget, line


def test_spending_beyond_budget_needs_a_reason(world, budget):
    _budget, line = budget
    today = timezone.localdate()
    services.record_expense(
        world.coordinator, line, spent_on=today, amount=Decimal("800"), description="Scholing"
    )
    with pytest.raises(ValidationError) as exc:
        services.record_expense(
            world.coordinator, line, spent_on=today, amount=Decimal("300"), description="Drukwerk"
        )
    assert "over_budget_reason" in exc.value.error_dict
    assert Expense.objects.count() == 1
    services.record_expense(
        world.coordinator,
        line,
        spent_on=today,
        amount=Decimal("300"),
        description="Drukwerk",
        over_budget_reason="Extra oplage brochures, akkoord stuurgroep",
    )
    with pytest.raises(ValidationError):
        services.record_expense(
            world.coordinator,
            line,
            spent_on=today + dt.timedelta(days=2),
            amount=Decimal("1"),
            description="x",
        )
    with pytest.raises(PermissionDenied):
        services.record_expense(
            world.steering, line, spent_on=today, amount=Decimal("1"), description="x"
        )


def test_accountability_and_report(world, budget):
    budget_year, line = budget
    world.member.contribution = Decimal("2500")
    world.member.save()
    services.record_expense(
        world.coordinator,
        line,
        spent_on=timezone.localdate(),
        amount=Decimal("400"),
        description="Scholing",
    )
    overview = services.accountability(budget_year.year)
    assert overview.subsidy == Decimal("141414.00") and overview.contributions == Decimal("2500")
    assert overview.income == Decimal("143914.00")
    assert overview.lines[0].remaining == Decimal("600")
    section = next(
        s
        for s in annual_report.assemble(AnnualReport(year=budget_year.year)).sections
        if s.key == "budget"
    )
    assert section.rows[0][0] == "Implementatie ACP"


def test_budget_pages(world, budget, client_for):
    budget_year, line = budget
    coordinator = client_for(world.coordinator)
    url = reverse("programme:expense_add", args=[budget_year.year])
    response = coordinator.post(
        url,
        {
            "line": line.pk,
            "spent_on": timezone.localdate().isoformat(),
            "amount": "5000",
            "description": "Te veel",
        },
    )
    assert response.status_code == 400
    assert client_for(world.steering).get(reverse("programme:budget")).status_code == 200
    assert client_for(world.steering).get(url).status_code == 403
