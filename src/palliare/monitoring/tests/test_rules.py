"""Golden tests: every computed KPI's calculation rule gives the hand-worked figures on the
fixture of ``golden.py`` (Q1 2026), for the region, its subregions and a subgroup."""

from __future__ import annotations

import pytest

from palliare.monitoring import rules
from palliare.monitoring.constants import AreaType
from palliare.monitoring.periods import Period
from palliare.monitoring.sources import get_rule
from palliare.patients.constants import PlaceOfDeath

from . import golden

pytestmark = pytest.mark.django_db
Q1 = Period.quarter(2026, 1)


@pytest.fixture
def world() -> golden.World:
    return golden.build()


def figures(key: str, world: golden.World) -> dict[tuple[str, int, str], tuple]:
    fn = get_rule(key)
    assert fn is not None
    return {
        (f.area_type, f.area_id, f.subgroup): (f.numerator, f.denominator, f.value) for f in fn(Q1)
    }


def region(found: dict, world: golden.World, subgroup: str = "") -> tuple:
    return found[(AreaType.REGION, world.region.pk, subgroup)]


def sub(found: dict, subregion, subgroup: str = "") -> tuple | None:
    return found.get((AreaType.SUBREGION, subregion.pk, subgroup))


def test_care_plan_before_death(world):
    # Expected deaths A, B, C, E (D unexpected); plan: A (Palliare), B (registration); E's plan
    # came after death.
    found = figures("plan_before_death", world)
    assert region(found, world) == (2, 4, 50.0)
    assert sub(found, world.north) == (2, 2, 100.0)
    assert sub(found, world.south) == (0, 2, 0.0)
    assert region(found, world, "age:65-74") == (0, 1, 0.0)  # E, aged 66
    assert region(found, world, "age:85+") == (2, 3, pytest.approx(66.667, abs=1e-3))
    assert found[(AreaType.ORGANIZATION, world.p1.pk, "")] == (2, 2, 100.0)


def test_plan_shared_with_acute_care(world):
    # Only A had a Palliare plan and acute-care consent before death.
    assert region(figures("plan_shared_acute", world), world) == (1, 4, 25.0)


def test_marked_before_death(world):
    assert region(figures("marked_before_death", world), world) == (3, 4, 75.0)


def test_median_days_from_marking_to_death(world):
    # A 60 days, B 10 days, E 60 days → median 60 over 3.
    found = figures("marking_to_death_days", world)
    assert region(found, world) == (None, 3, 60.0)
    assert sub(found, world.north) == (None, 2, 35.0)  # A 60, B 10 → mean of the two


def test_died_at_preferred_place(world):
    # Known and known whether achieved: A yes, B no, D yes, E yes (C unknown).
    assert region(figures("preferred_place_achieved", world), world) == (3, 4, 75.0)


def test_place_of_death_distribution(world):
    found = figures("place_of_death", world)
    assert region(found, world) == (2, 5, 40.0)  # home: A and E (E's corrected registration)
    assert region(found, world, f"place:{PlaceOfDeath.HOSPITAL}") == (2, 5, 40.0)  # B, D
    assert region(found, world, f"place:{PlaceOfDeath.HOSPICE}") == (1, 5, 20.0)  # C
    assert region(found, world, f"place:{PlaceOfDeath.NURSING_HOME}") == (0, 5, 0.0)


def test_admissions_and_emergency_visits_in_last_30_days(world):
    # Expected deaths with the count filled in: A, B, E (C empty, D unexpected).
    assert region(figures("hospital_admission_30d", world), world) == (1, 3, pytest.approx(100 / 3))
    assert region(figures("emergency_visit_30d", world), world) == (1, 3, pytest.approx(100 / 3))


def test_discussed_in_meeting(world):
    # Expected and marked: A, B, E; A discussed before death, E's meeting came after.
    assert region(figures("discussed_in_meeting", world), world) == (1, 3, pytest.approx(100 / 3))


def test_caregiver_burden_checked(world):
    assert region(figures("caregiver_checked", world), world) == (1, 2, 50.0)  # A of A, B


def test_volunteer_deployment_home_against_intramural(world):
    found = figures("volunteer_deployed", world)
    assert region(found, world) == (1, 4, 25.0)
    assert region(found, world, "setting:home") == (1, 2, 50.0)  # A, E
    assert region(found, world, "setting:intramural") == (0, 2, 0.0)  # B, C


def test_central_contact_within_14_days(world):
    # Marked in Q1: B (contact after 6 days), E (after 22 days). A was marked in 2025.
    assert region(figures("central_contact_14d", world), world) == (1, 2, 50.0)


def test_consultation_response_times(world):
    median = figures("consultation_response_median", world)
    assert region(median, world) == (None, 4, 105.0)  # 30, 90, 120, 3000
    assert region(median, world, "hours:office") == (None, 3, 120.0)
    assert region(median, world, "hours:out") == (None, 1, 90.0)
    assert region(median, world, "urgency:within_hour") == (None, 2, 60.0)
    assert median[(AreaType.ORGANIZATION, world.team.pk, "")] == (None, 4, 105.0)
    assert region(figures("consultation_response_p90", world), world) == (None, 4, 3000.0)
    within = figures("consultation_within_target", world)
    assert region(within, world) == (3, 4, 75.0)  # the Saturday request took 90 of 60 minutes


def test_median_and_percentile_helpers():
    from collections import Counter

    assert rules.median(Counter()) is None
    assert rules.median(Counter({5: 1})) == 5
    assert rules.median(Counter({1: 1, 2: 1, 10: 2})) == 6
    assert rules.percentile(Counter(dict.fromkeys(range(1, 11), 1)), 0.9) == 9
    assert rules.percentile(Counter(dict.fromkeys(range(1, 12), 1)), 0.9) == 10


def test_periods_outside_the_deaths_give_no_figures(world):
    assert list(get_rule("plan_before_death")(Period.quarter(2024, 1))) == []


# --- beds: occupancy, admission stop, stale reporting (Q4 2025, golden.build_beds) ----------
#
# Status of each day (the last report before midnight) and whether it was older than 24 hours
# at that midnight:
#
#   hospice (6 beds)   23 2f  24 1f  25 0f stop  26 0f stop STALE  27 0f stop
#                      28 3f  29 3f  30 2f  31 4f                → 9 days, occupied 39 of 54,
#                                                                  3 stop days, 1 stale day
#   unit (4 beds)      27 1f  28 1f (00:00, 24 h at midnight: fresh)  29 closed
#                      30 closed STALE  31 2f                    → 5 days, open 3: occupied
#                                                                  8 of 12, 0 stop, 1 stale
Q4_2025 = Period.quarter(2025, 4)


@pytest.fixture
def beds(world: golden.World) -> golden.Beds:
    return golden.build_beds(world)


def bed_figures(key: str) -> dict[tuple[str, int, str], tuple]:
    fn = get_rule(key)
    assert fn is not None
    return {
        (f.area_type, f.area_id, f.subgroup): (f.numerator, f.denominator, f.value)
        for f in fn(Q4_2025)
    }


def test_bed_occupancy(world, beds):
    found = bed_figures("bed_occupancy")
    assert region(found, world) == (47, 66, pytest.approx(100 * 47 / 66))
    assert sub(found, world.north) == (39, 54, pytest.approx(100 * 39 / 54))
    assert sub(found, world.south) == (8, 12, pytest.approx(100 * 8 / 12))  # closed days out
    assert region(found, world, "kind:palliative_unit") == (8, 12, pytest.approx(100 * 8 / 12))
    assert region(found, world, f"facility:{beds.hospice.pk}")[:2] == (39, 54)
    assert found[(AreaType.ORGANIZATION, beds.hospice.organization_id, "")][:2] == (39, 54)
    assert (AreaType.ORGANIZATION, beds.inactive.organization_id, "") not in found
    # The year holds the same days (no reports before 23 December).
    year = {
        (f.area_type, f.area_id, f.subgroup): f
        for f in get_rule("bed_occupancy")(Period.year(2025))
    }
    assert year[(AreaType.REGION, world.region.pk, "")].numerator == 47


def test_days_with_admission_stop(world, beds):
    found = bed_figures("admission_stop_days")
    assert region(found, world) == (3, 14, 3)
    assert sub(found, world.north) == (3, 9, 3)
    assert sub(found, world.south) == (0, 5, 0)


def test_stale_bed_reporting(world, beds):
    found = bed_figures("stale_bed_reporting")
    assert region(found, world) == (2, 14, pytest.approx(100 * 2 / 14))
    assert sub(found, world.north) == (1, 9, pytest.approx(100 / 9))
    assert sub(found, world.south) == (1, 5, 20.0)


def test_bed_days_carry_the_status_from_before_the_period():
    import datetime as dt

    from django.utils import timezone

    from palliare.capacity.aggregates import tally_days

    tz = timezone.get_current_timezone()

    def moment(day: int, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(2026, 1, day, hour), tz)

    before = (timezone.make_aware(dt.datetime(2025, 12, 31, 23), tz), 5, 1, "open")
    # 1 Jan: the report of 20:00 holds (4 h old at midnight); 2 Jan: no report, 28 h old at
    # midnight → stale; 3 Jan: the report of 10:00. Statuses: stop, stop, open with 2 free.
    tallies = tally_days(
        [(moment(1, 20), 5, 0, "admission_stop"), (moment(3, 10), 5, 2, "open")],
        before,
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 4),
    )
    q1 = tallies[1]
    assert (q1.days, q1.bed_days, q1.occupied_bed_days) == (3, 15, 5 + 5 + 3)
    assert (q1.stop_days, q1.stale_days) == (2, 1)
    assert tally_days([], None, dt.date(2026, 1, 1), dt.date(2026, 1, 4)) == {}


def test_deaths_count_for_every_organisation_in_the_care_team(world):
    # A district-nursing organisation in A's care team (two nurses: counted once) and in E's,
    # and in C's only after C died (not counted). A's GP practice also joined A's care team:
    # the practice's figure does not count A twice.
    import datetime as dt

    from palliare.organizations.constants import OrganizationType
    from palliare.organizations.factories import OrganizationFactory
    from palliare.patients.factories import CareTeamMemberFactory

    nursing = OrganizationFactory(type=OrganizationType.DISTRICT_NURSING)
    a, c, e = (world.patients[k] for k in "ACE")
    for patient, day in ((a, 5), (a, 6), (e, 7), (c, 25)):
        CareTeamMemberFactory(
            patient=patient, organization=nursing, started_at=golden.at(dt.date(2026, 1, day))
        )
    CareTeamMemberFactory(
        patient=a, organization=world.p1, started_at=golden.at(dt.date(2026, 1, 5))
    )
    found = figures("plan_before_death", world)
    assert found[(AreaType.ORGANIZATION, nursing.pk, "")] == (1, 2, 50.0)  # A yes, E no
    assert found[(AreaType.ORGANIZATION, world.p1.pk, "")] == (2, 2, 100.0)
    assert region(found, world) == (2, 4, 50.0)  # the region still counts each death once
    median = figures("marking_to_death_days", world)
    assert median[(AreaType.ORGANIZATION, nursing.pk, "")] == (None, 2, 60.0)  # A 60, E 60
    places = figures("place_of_death", world)
    assert places[(AreaType.ORGANIZATION, nursing.pk, "")] == (2, 2, 100.0)  # both at home


@pytest.mark.parametrize("period", [Q1, Period.year(2026)], ids=["quarter", "year"])
def test_median_in_sql_equals_the_distribution_median(world, period, monkeypatch):
    """On PostgreSQL the median is computed in the query; it must give exactly the figures of
    the portable path that adds up distributions (which SQLite runs)."""
    import datetime as dt

    from django.db import connection

    from palliare.organizations.factories import OrganizationFactory
    from palliare.patients import aggregates
    from palliare.patients.factories import CareTeamMemberFactory

    if connection.vendor != "postgresql":
        pytest.skip("percentiles in the query are PostgreSQL's")
    nursing = OrganizationFactory()
    for key, day in (("A", 5), ("A", 6), ("E", 7), ("C", 25)):
        CareTeamMemberFactory(
            patient=world.patients[key],
            organization=nursing,
            started_at=golden.at(dt.date(2026, 1, day)),
        )
    fn = get_rule("marking_to_death_days")
    assert fn is not None
    with rules.year_cache():
        in_sql = fn(period)
    monkeypatch.setattr(aggregates, "supports_percentiles", lambda: False)
    with rules.year_cache():
        added_up = fn(period)
    assert in_sql == added_up
    assert any(f.area_id == nursing.pk for f in in_sql)
