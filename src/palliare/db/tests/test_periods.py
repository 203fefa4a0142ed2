"""One rule for "current on a day" (issue 19 item 14): memberships (end day included),
network members and body seats (end day excluded) all derive from ``PeriodModel``; the query
and the row agree on every day around the start and the end; and no module writes the period
filter by hand again."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from palliare.db.periods import PeriodModel
from palliare.organizations.factories import MembershipFactory
from palliare.organizations.models import Membership
from palliare.programme.factories import MemberOrganizationFactory
from palliare.programme.models import BodyMembership, MemberOrganization

START, END = dt.date(2026, 3, 10), dt.date(2026, 3, 20)
DAYS = [START - dt.timedelta(days=1), START, END - dt.timedelta(days=1), END, END + dt.timedelta(1)]


def test_the_period_models_use_the_base():
    for model in (Membership, MemberOrganization, BodyMembership):
        assert issubclass(model, PeriodModel), model
    assert Membership.period_end_inclusive is True
    assert MemberOrganization.period_end_inclusive is False
    assert BodyMembership.period_end_inclusive is False


@pytest.mark.django_db
def test_query_and_row_agree_on_every_day_around_the_period():
    membership = MembershipFactory(valid_from=START, valid_until=END)
    member = MemberOrganizationFactory(joined_on=START, left_on=END)
    expected = {
        "membership": [False, True, True, True, False],  # "until" includes the end day
        "member": [False, True, True, False, False],  # "left on" does not
    }
    for index, day in enumerate(DAYS):
        in_query = Membership.objects.current(day).filter(pk=membership.pk).exists()
        assert in_query == membership.is_current_on(day) == expected["membership"][index], day
        in_query = MemberOrganization.objects.current(day).filter(pk=member.pk).exists()
        assert in_query == member.is_current_on(day) == expected["member"][index], day
        assert member.is_member_on(day) == expected["member"][index]
    open_ended = MemberOrganizationFactory(joined_on=START, left_on=None)
    assert open_ended.is_current_on(END + dt.timedelta(days=9999))


#: "Open-ended or not ended yet" written by hand, where it is not "current on a day".
OVERLAPS = {
    "palliare/consultations/querysets.py": "a rota slot's validity overlapping a date range",
    "palliare/programme/services/governance.py": "a new seat overlapping an existing one",
}


def test_no_module_writes_the_period_filter_by_hand():
    """ "Current on a day" (end empty or not yet reached) lives in palliare/db/periods.py."""
    src = Path(__file__).resolve().parents[3]
    pattern = re.compile(
        r"Q\((\w+__)?(valid_until|left_on|ended_on)__isnull=True\)\s*\|\s*(models\.)?"
        r"Q\((\w+__)?(valid_until|left_on|ended_on)__gte?=(?!models\.F)"
    )
    found = {
        str(path.relative_to(src))
        for path in (src / "palliare").rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
        if pattern.search(path.read_text())
    }
    assert found == set(OVERLAPS)
