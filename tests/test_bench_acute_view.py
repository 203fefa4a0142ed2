"""The acute-view benchmark's verdict and ratios (bench/acute_view.py): what it prints when
the aim is met, when it is not, when the machine cannot show it, and when one side completed
no operations at all (a run of failed requests once printed a throughput ratio of 2 × 10¹¹)."""

from __future__ import annotations

import math

import pytest
from bench import acute_view


def figures(**values: float) -> dict[str, float]:
    base = {"ops": 100.0, "rps": 200.0, "p50": 20.0, "p99": 40.0}
    base |= {"req_p50": 10.0, "req_p99": 30.0, "n": 1000.0, "errors": 0.0}
    return base | values


MET = (
    figures(ops=100, p99=45, req_p99=40),
    figures(ops=140, p99=35, req_p99=30),
    1.4,
    [
        "per request: acute p99 40.0 ms < 50 ms: met; p99 ratio 1.33×: met",
        "per operation: acute p99 45.0 ms < 50 ms: met; p99 ratio 1.29×: met",
        "throughput ratio 1.40× (median per round 1.40×): met",
    ],
    ["no view"],
)
NOT_MET = (
    figures(ops=100, p99=120, req_p99=60),
    figures(ops=160, p99=70, req_p99=38),
    1.55,
    [
        "per request: acute p99 60.0 ms < 50 ms: NOT met; p99 ratio 1.58×: NOT met",
        "throughput ratio 1.60× (median per round 1.55×): NOT met",
        # The floor's own p99 per operation is above the aim: the machine cannot show it.
        "the floor's own p99 per operation is 70.0 ms",
    ],
    ["the floor's own p99 per request"],
)


@pytest.mark.parametrize(("acute", "floor", "round_ratio", "present", "absent"), [MET, NOT_MET])
def test_verdict_met_and_not_met(
    acute: dict[str, float],
    floor: dict[str, float],
    round_ratio: float,
    present: list[str],
    absent: list[str],
) -> None:
    text = "\n".join(acute_view.verdict(acute, floor, round_ratio))
    for line in present:
        assert line in text
    for line in absent:
        assert line not in text


def test_verdict_without_completed_operations_judges_nothing() -> None:
    acute = figures(ops=0, p99=math.nan, req_p99=math.nan, n=0, errors=4856)
    lines = acute_view.verdict(acute, figures(), math.nan)
    assert lines[1] == (
        "  cannot be judged: no completed operations for the acute view (4856 and 0 errors)."
    )
    assert len(lines) == 2


def test_ratios_of_missing_sides_are_not_numbers() -> None:
    assert acute_view.ratio(150.0, 100.0) == 1.5
    assert math.isnan(acute_view.ratio(150.0, 0.0))
    assert math.isnan(acute_view.ratio(0.0, 100.0))
    assert math.isnan(acute_view.ratio(math.nan, 100.0))
    assert acute_view.times(math.nan) == "—"
    assert acute_view.times(1.234) == "1.23×"


def test_round_ratios() -> None:
    assert acute_view.round_ratios([]) == "none (no round where both completed operations)"
    assert acute_view.round_ratios([1.5]) == "median 1.50×"
    text = acute_view.round_ratios([1.2, 1.4, 1.5, 1.6, 1.8])
    assert text.startswith("median 1.50× (quartiles ")
    assert text.endswith(", 5 rounds)")
