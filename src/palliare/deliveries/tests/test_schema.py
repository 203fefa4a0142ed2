"""The definition of a data set and its validation, without database: numbers typed the Dutch
and the English way, each value type's range, required elements, duplicates, unknown codes and
comparison rules (numerator ≤ denominator); and the periods with their deadlines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from palliare.deliveries import periods
from palliare.deliveries.constants import PeriodType, ValueType
from palliare.deliveries.schema import (
    Definition,
    ElementSpec,
    InputRow,
    RuleSpec,
    ValueProblem,
    check_values,
    parse_number,
    parse_rule,
    parse_value,
)

COUNT = ElementSpec("count", "Aantal", "Count", ValueType.INTEGER)
PART = ElementSpec("part", "Deel", "Part", ValueType.INTEGER)
SHARE = ElementSpec("share", "Aandeel", "Share", ValueType.PERCENTAGE, required=False)
YES = ElementSpec("yes", "Ja/nee", "Yes/no", ValueType.YES_NO, required=False)
DEF = Definition((COUNT, PART, SHARE, YES), (RuleSpec("part", "<=", "count"),))


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", "12"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1.234,5", "1234.5"),
        ("1.5", "1.5"),
        ("12.5000", "12.5"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1 234", "1234"),
        ("-3", "-3"),
    ],
)
def test_numbers_dutch_and_english(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1.200", "abc", "12a", "1,2,3,4a", "--1", "1e5", "NaN", "∞"])
def test_text_is_not_a_number(text):
    with pytest.raises(ValueProblem):
        parse_number(text)


def test_value_checks_per_type():
    assert parse_value("7", COUNT) == 7
    assert parse_value(7.0, COUNT) == 7
    assert parse_value("", COUNT) is None
    assert parse_value("ja", YES) == 1 and parse_value("Nee", YES) == 0
    assert parse_value("45%", SHARE) == 45
    with pytest.raises(ValueProblem, match="negatief"):
        parse_value("-1", COUNT)
    with pytest.raises(ValueProblem, match="geen heel getal"):
        parse_value("2,5", COUNT)
    with pytest.raises(ValueProblem, match="maximum"):
        parse_value("101", SHARE)
    with pytest.raises(ValueProblem, match="ja of nee"):
        parse_value("misschien", YES)
    with pytest.raises(ValueProblem, match="formule"):
        parse_value("=1+1", COUNT)
    with pytest.raises(ValueProblem, match="geen getal"):
        parse_value("twaalf", COUNT)


def test_an_element_with_a_negative_minimum_takes_negative_values():
    balance = ElementSpec("balance", "Saldo", "Balance", ValueType.DECIMAL, min_value=Decimal(-10))
    assert parse_value("-2,5", balance) == Decimal("-2.5")
    with pytest.raises(ValueProblem, match="minimum"):
        parse_value("-11", balance)


def test_check_values_collects_every_error_with_its_row():
    result = check_values(
        DEF,
        [
            InputRow(9, "count", "10"),
            InputRow(10, "part", "11"),
            InputRow(11, "count", "3"),
            InputRow(12, "nonsense", "1"),
            InputRow(13, "share", "abc"),
        ],
    )
    messages = {(e.row, e.element): e.message for e in result.errors}
    assert "ook op rij 9" in messages[(11, "count")]
    assert "niet in deze gegevensset" in messages[(12, "nonsense")]
    assert "geen getal" in messages[(13, "share")]
    assert "Deel" in messages[(10, "part")] and "ten hoogste" in messages[(10, "part")]
    assert not result.ok


def test_required_element_missing_and_optional_left_empty():
    result = check_values(DEF, [InputRow(9, "count", "4"), InputRow(10, "part", "")])
    assert [(e.row, e.element) for e in result.errors] == [(10, "part")]
    assert "verplicht" in result.errors[0].message
    result = check_values(DEF, [InputRow(9, "count", "4"), InputRow(10, "part", "4")])
    assert result.ok
    assert result.values == {"count": 4, "part": 4, "share": None, "yes": None}


def test_rules_parse_and_refuse_unknown_codes():
    assert parse_rule("part <= count", ["part", "count"]) == RuleSpec("part", "<=", "count")
    with pytest.raises(ValueError, match="niet in deze gegevensset"):
        parse_rule("part <= total", ["part", "count"])
    with pytest.raises(ValueError, match="geen regel"):
        parse_rule("part less than count", ["part", "count"])


def test_definition_round_trips_through_json():
    assert Definition.from_json(DEF.to_json()) == DEF


def test_periods_labels_bounds_and_deadlines():
    q = periods.parse("2025-K1")
    assert q == periods.quarter(2025, 1)
    assert (q.start, q.end, q.label) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31), "2025-K1")
    assert q.deadline(42) == dt.date(2025, 5, 12)
    assert periods.parse("2025-Q4").end == dt.date(2025, 12, 31)
    assert periods.parse("2025", PeriodType.QUARTER) is None
    assert periods.parse("x") is None and periods.parse("1800") is None
    assert [
        p.label for p in periods.between(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "quarter")
    ] == [
        "2025-K1",
        "2025-K2",
        "2025-K3",
        "2025-K4",
    ]


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_lies_in_exactly_one_quarter(day):
    period = periods.period_containing(day, PeriodType.QUARTER)
    assert period.start <= day <= period.end
    assert period.next().start == period.end + dt.timedelta(days=1)
    assert periods.parse(period.label) == period
