"""The projection's arithmetic, worked out by hand: the bed formula, the trend line, the
cohorts growing older, a fixed growth, specialists available after departures, and the
region's totals."""

from __future__ import annotations

import pytest

from palliare.planning import projection
from palliare.planning.parameters import Values, defaults
from palliare.planning.projection import AreaInput


def values(**overrides: str) -> Values:
    stored, _sources = defaults()
    stored.update(
        {
            "start_year": "2025",
            "trend_first_year": "2021",
            "trend_last_year": "2023",
            "hospice_share_percent": "10",
            "length_of_stay_days": "20",
            "target_occupancy_percent": "80",
            "specialists_per_10000_deaths": "50",
        }
    )
    stored.update(overrides)
    return Values.from_stored(stored)


def test_bed_formula_by_hand():
    # 1000 deaths × 5% in a hospice × 21 days ÷ (365 × 0.8) = 1050 ÷ 292 = 3.5959 beds.
    assert projection.beds_needed(1000, 0.05, 21, 0.8) == pytest.approx(1050 / 292)
    # Full occupancy: every bed-day used: 365 deaths × 100% × 1 day ÷ 365 = 1 bed.
    assert projection.beds_needed(365, 1.0, 1, 1.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="occupancy"):
        projection.beds_needed(100, 0.1, 10, 0)


def test_trend_line_and_beds_per_year():
    # CBS 1000, 1100, 1200 in 2021–2023: the line is 1100 + 100 × (year − 2022).
    area = AreaInput("n", "Noord", {2021: 1000, 2022: 1100, 2023: 1200}, hospice_beds=10)
    result = projection.project(area, values())
    assert result.base_year == 2023
    y2030, y2035 = result.at(2030), result.at(2035)
    assert y2030 is not None and y2035 is not None
    assert y2030.deaths == pytest.approx(1900)
    assert not y2030.observed
    # 1900 × 10% × 20 ÷ (365 × 0.8) = 3800 ÷ 292 = 13.0137; 2400 × … = 4800 ÷ 292 = 16.4384.
    assert y2030.beds_needed == pytest.approx(3800 / 292)
    assert y2035.beds_needed == pytest.approx(4800 / 292)
    assert result.beds_gap(2030) == pytest.approx(3800 / 292 - 10)
    # 1900 × 50 ÷ 10,000 = 9.5 specialists.
    assert y2030.specialists_needed == pytest.approx(9.5)
    # CBS years are shown as published, not as the line.
    assert result.at(2023).deaths == 1200 and result.at(2023).observed


def test_fixed_growth_compounds_from_the_last_cbs_year():
    area = AreaInput("n", "Noord", {2022: 800, 2023: 1000})
    result = projection.project(area, values(growth_method="fixed", fixed_growth_percent="10"))
    assert result.at(2025).deaths == pytest.approx(1210)  # 1000 × 1.1²
    assert result.at(2035).deaths == pytest.approx(1000 * 1.1**12)


def test_cohorts_grow_older_and_die():
    # 1000 people aged 90–94, 20% die each year: 200 die in the first year; of the 800
    # survivors a fifth (160) move up to 95+; both groups die at 20% again: 160 deaths.
    deaths = projection.cohort_deaths({"90-94": 1000}, {"90-94": 0.2, "95+": 0.2}, 0.0, 2021, 2022)
    assert deaths == {2021: pytest.approx(200), 2022: pytest.approx(160)}
    # A yearly fall of 10% in the rates: the second year's rate is 18%: 800 × 0.18 = 144.
    falling = projection.cohort_deaths({"90-94": 1000}, {"90-94": 0.2, "95+": 0.2}, 0.1, 2021, 2022)
    assert falling[2022] == pytest.approx(144)


def test_age_method_is_scaled_to_the_last_cbs_year():
    # The model's 2023 deaths are scaled to CBS's 2023 figure; later years keep the model's
    # relative change.
    population = {"85-89": 1000, "90-94": 1000}
    area = AreaInput("n", "Noord", {2023: 500}, population=population)
    v = values(growth_method="age", mortality_improvement_percent="0")
    result = projection.project(area, v)
    modelled = projection.cohort_deaths(population, v.rates, 0.0, 2021, 2035)
    assert result.at(2030).deaths == pytest.approx(500 * modelled[2030] / modelled[2023])


def test_problems_fall_back_to_level_deaths():
    short = projection.project(AreaInput("s", "Zuid", {2023: 500}), values())
    assert short.problem == projection.SHORT_TREND
    assert short.at(2035).deaths == 500
    no_age = projection.project(AreaInput("s", "Zuid", {2023: 500}), values(growth_method="age"))
    assert no_age.problem == projection.NO_POPULATION
    empty = projection.project(AreaInput("x", "Leeg", {}), values())
    assert empty.problem == projection.NO_DEATHS and empty.years == {}


def test_specialists_available_after_departures():
    # Leaving in 2028 no longer counts from 2028; without a year they stay.
    assert projection.available([2028, 2032, None], 2027) == 3
    assert projection.available([2028, 2032, None], 2028) == 2
    assert projection.available([2028, 2032, None], 2035) == 1


def test_region_total_sums_the_subregions():
    v = values()
    north = projection.project(
        AreaInput(
            "n", "Noord", {2021: 1000, 2022: 1100, 2023: 1200}, hospice_beds=10, specialists=(2028,)
        ),
        v,
    )
    south = projection.project(AreaInput("s", "Zuid", {2023: 500}, hospice_beds=5), v)
    region = projection.total("Regio", [north, south], extra_specialists=[None])
    assert region.area.hospice_beds == 15
    assert region.at(2030).deaths == pytest.approx(1900 + 500)
    assert region.at(2030).beds_needed == pytest.approx((1900 + 500) * 0.1 * 20 / 292)
    assert region.at(2030).specialists_available == 1
    assert region.beds_gap(2030) == pytest.approx(2400 * 2 / 292 - 15)
